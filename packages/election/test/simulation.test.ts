import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ElectionMessage } from '../src/index';
import { BinaryHeap, createRandom, SimulatedNetwork, VirtualClock } from '../src/simulation/index';

describe('BinaryHeap', () => {
  it('pops in order whatever was pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.array(fc.integer()), (first, second) => {
        const heap = new BinaryHeap<number>((a, b) => a < b);
        for (const n of first) heap.push(n);
        const popped: number[] = [];
        for (let i = 0; i < first.length / 2; i++) popped.push(heap.pop() as number);
        for (const n of second) heap.push(n);
        while (heap.size > 0) popped.push(heap.pop() as number);
        const half = Math.ceil(first.length / 2);
        const sortedFirst = [...first].sort((a, b) => a - b);
        expect(popped.slice(0, half)).toEqual(sortedFirst.slice(0, half));
        expect(popped.slice(half)).toEqual([...sortedFirst.slice(half), ...second].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});

describe('VirtualClock', () => {
  it('runs tasks in time order, same-time tasks in the order they were set, and skips cancelled ones', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    const cancelled = clock.setTimeout(() => log.push('never'), 15);
    clock.setTimeout(() => {
      log.push(`c@${clock.now()}`);
      clock.setTimeout(() => log.push(`d@${clock.now()}`), 0);
    }, 20);
    clock.clearTimeout(cancelled);
    expect(clock.pending).toBe(3);
    clock.runFor(19);
    expect(log).toEqual(['a@10']);
    expect(clock.now()).toBe(19);
    clock.runFor(100);
    expect(log).toEqual(['a@10', 'b@20', 'c@20', 'd@20']);
    expect(clock.now()).toBe(119);
    expect(clock.pending).toBe(0);
  });

  it('runs a series at the times it returns, until it returns undefined or is cancelled', () => {
    const clock = new VirtualClock();
    const times: number[] = [];
    clock.scheduleSeries(
      5,
      (limit: number) => {
        times.push(clock.now());
        return clock.now() < limit ? clock.now() + 5 : undefined;
      },
      20,
    );
    clock.runFor(100);
    expect(times).toEqual([5, 10, 15, 20]);
    expect(clock.pending).toBe(0);
    const cancelled: number[] = [];
    const handle = clock.scheduleSeries(
      clock.now() + 1,
      () => {
        cancelled.push(clock.now());
        return clock.now() + 1;
      },
      undefined,
    );
    clock.runFor(3);
    clock.clearTimeout(handle);
    clock.runFor(10);
    expect(cancelled).toHaveLength(3);
    expect(clock.pending).toBe(0);
  });

  it('runUntilTrue stops at the first moment the condition holds', () => {
    const clock = new VirtualClock();
    let count = 0;
    for (let i = 1; i <= 10; i++) clock.setTimeout(() => count++, i * 10);
    expect(clock.runUntilTrue(() => count === 3, 1000)).toBe(true);
    expect(clock.now()).toBe(30);
    expect(clock.runUntilTrue(() => count === 99, 1000)).toBe(false);
    expect(clock.now()).toBe(1030);
  });
});

describe('createRandom', () => {
  it('is deterministic per seed', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const seq = (r: typeof a) => Array.from({ length: 5 }, () => r.next());
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('SimulatedNetwork', () => {
  function setup(options: ConstructorParameters<typeof SimulatedNetwork>[1] = {}) {
    const clock = new VirtualClock();
    const network = new SimulatedNetwork(clock, options);
    const inbox = new Map<string, Array<{ at: number; message: ElectionMessage }>>();
    const join = (id: string) => {
      const adapter = network.join(id);
      const box: Array<{ at: number; message: ElectionMessage }> = [];
      inbox.set(id, box);
      adapter.onMessage((message) => box.push({ at: clock.now(), message }));
      return adapter;
    };
    return { clock, network, inbox, join };
  }

  it('delivers gossip to the view after the link latency, stamping the real sender', () => {
    const { clock, network, inbox, join } = setup({ latency: { min: 5, max: 15 }, jitter: 2 });
    const a = join('a');
    join('b');
    join('c');
    expect([...a.peers()].sort()).toEqual(['b', 'c']);
    a.gossip({ type: 'proposal', sender: 'forged' });
    clock.runFor(100);
    for (const id of ['b', 'c']) {
      const [received] = inbox.get(id) ?? [];
      expect(received?.message).toEqual({ type: 'proposal', sender: 'a' });
      expect(received?.at).toBeGreaterThanOrEqual(5);
      expect(received?.at).toBeLessThanOrEqual(17);
    }
    expect(inbox.get('a')).toEqual([]);
    expect(network.stats).toMatchObject({ sent: 2, delivered: 2, byType: { proposal: 2 } });
  });

  it('partitions split views, drop messages in flight across them, and heal', () => {
    const { clock, network, inbox, join } = setup({ latency: { min: 10, max: 10 } });
    const a = join('a');
    const b = join('b');
    join('c');
    a.gossip({ type: 'proposal', sender: 'a' });
    network.partition([['a'], ['b', 'c']]);
    clock.runFor(50);
    expect(a.peers()).toEqual([]);
    expect(b.peers()).toEqual(['c']);
    expect(network.stats.cut).toBe(2);
    expect(network.components().map((g) => [...g].sort())).toEqual([['a'], ['b', 'c']]);
    network.heal();
    expect([...a.peers()].sort()).toEqual(['b', 'c']);
    a.gossip({ type: 'proposal', sender: 'a' });
    clock.runFor(50);
    expect(inbox.get('b')).toHaveLength(1);
  });

  it('tells a peer when its view changes, and only then', () => {
    const { network, join } = setup();
    const a = join('a');
    let changes = 0;
    a.onViewChange?.(() => changes++);
    join('b');
    expect(changes).toBe(1);
    network.partition([['x']]); // x is not here: nobody's view changes
    expect(changes).toBe(1);
    network.partition([['b']]);
    expect(changes).toBe(2);
  });

  it('crashes: noticed at once, later, or never; a crashed peer receives and sends nothing', () => {
    const { clock, network, inbox, join } = setup({ latency: { min: 1, max: 1 } });
    const a = join('a');
    const b = join('b');
    join('c');
    network.crash('b', { detectAfter: 'never' });
    expect([...a.peers()].sort()).toEqual(['b', 'c']);
    a.gossip({ type: 'declaration', sender: 'a' });
    b.gossip({ type: 'declaration', sender: 'b' });
    clock.runFor(10);
    expect(inbox.get('b')).toEqual([]);
    expect(inbox.get('c')).toHaveLength(1);
    expect(network.stats.toDown).toBe(1);
    network.crash('c', { detectAfter: 100 });
    clock.runFor(99);
    expect([...a.peers()].sort()).toEqual(['b', 'c']);
    clock.runFor(1);
    expect(a.peers()).toEqual(['b']);
  });

  it('loses about the configured share of messages', () => {
    const { clock, network, join } = setup({ loss: 0.3, seed: 5 });
    const a = join('a');
    join('b');
    for (let i = 0; i < 2000; i++) a.gossip({ type: 'proposal', sender: 'a' });
    clock.runFor(100);
    expect(network.stats.lost / network.stats.sent).toBeGreaterThan(0.25);
    expect(network.stats.lost / network.stats.sent).toBeLessThan(0.35);
    expect(network.stats.delivered + network.stats.lost).toBe(2000);
  });
});
