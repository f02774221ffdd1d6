import { VirtualClock } from '@conclave/election/simulation';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../src/pacer';

function pacer(clock: VirtualClock, maxQueue = 100) {
  const sent: Array<[number, number]> = [];
  const dropped: number[] = [];
  const p = new Pacer<number>(clock, {
    burst: 5,
    perSecond: 10,
    maxQueue,
    send: (item) => sent.push([item, clock.now()]),
    drop: (item) => dropped.push(item),
  });
  return { p, sent, dropped };
}

describe('Pacer', () => {
  it('sends a burst at once, then at the sustained rate, in order', () => {
    const clock = new VirtualClock(0);
    const { p, sent } = pacer(clock);
    for (let i = 0; i < 15; i++) p.push(i);
    expect(sent.map(([item]) => item)).toEqual([0, 1, 2, 3, 4]);
    clock.runFor(1_000);
    expect(sent.map(([item]) => item)).toEqual([...Array(15).keys()]);
    const later = sent.slice(5).map(([, at]) => at);
    expect(later.every((at, i) => i === 0 || at - later[i - 1]! >= 100)).toBe(true);
  });

  it('drops beyond its queue bound, and everything queued on clear', () => {
    const clock = new VirtualClock(0);
    const { p, sent, dropped } = pacer(clock, 3);
    for (let i = 0; i < 10; i++) p.push(i);
    expect(sent).toHaveLength(5);
    expect(p.queued).toBe(3);
    expect(dropped).toEqual([8, 9]);
    p.clear();
    expect(dropped).toEqual([8, 9, 5, 6, 7]);
    clock.runFor(1_000);
    expect(sent).toHaveLength(5);
  });
});
