import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../src/event-log';

describe('EventLog', () => {
  it('keeps the most recent `capacity` events, oldest first', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer(), { maxLength: 200 }),
        (capacity, events) => {
          const log = new EventLog<number>(capacity);
          for (const event of events) log.push(event);
          expect(log.list()).toEqual(events.slice(-capacity));
        },
      ),
    );
  });

  it('returns the same frozen array until the next push', () => {
    const log = new EventLog<string>(3);
    log.push('a');
    const first = log.list();
    expect(log.list()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    log.push('b');
    expect(log.list()).not.toBe(first);
    expect(first).toEqual(['a']);
  });

  it('refuses a capacity that cannot hold anything', () => {
    expect(() => new EventLog(0)).toThrow(RangeError);
    expect(() => new EventLog(1.5)).toThrow(RangeError);
  });
});
