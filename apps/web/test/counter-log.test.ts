import type { Room } from '@conclave/mesh';
import type { RoomState } from '@conclave/react';
import { describe, expect, it } from 'vitest';
import { type CounterLogEntry, maxCounterLogEntries, recordCounterLog } from '../src/counter-log';
import { sharedCounter } from '../src/shared-counter';
import { soloRoom } from './solo-room';

const joined = (room: Room): RoomState => ({ status: 'joined', room, error: undefined, retries: 0 });
const leaving = (room: Room): RoomState => ({ status: 'leaving', room, error: undefined, retries: 0 });
const left: RoomState = { status: 'left', room: undefined, error: undefined, retries: 0 };

/** A session whose state the test sets. */
function fakeSession(initial: RoomState) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: RoomState) {
      state = next;
      for (const listener of [...listeners]) listener();
    },
  };
}

describe('recordCounterLog', () => {
  it('logs the value held at join, then every value accepted, across a leave and a rejoin', () => {
    const first = soloRoom();
    first.lead(1);
    sharedCounter(first.room).publish(1, { term: 1 });
    const session = fakeSession(joined(first.room));
    const log: CounterLogEntry[] = [];
    recordCounterLog(session, log, () => 0);
    sharedCounter(first.room).publish(2, { term: 1 });
    session.set(leaving(first.room));
    sharedCounter(first.room).publish(3, { term: 1 });
    session.set(left);
    sharedCounter(first.room).publish(99, { term: 1 }); // after leaving: not this tab's view any more

    const second = soloRoom();
    second.lead(2);
    sharedCounter(second.room).publish(3, { term: 2 });
    session.set(joined(second.room));
    sharedCounter(second.room).publish(4, { term: 2 });
    expect(log).toEqual([
      { value: 1, term: 1, version: 1, at: 0 },
      { value: 2, term: 1, version: 2, at: 0 },
      { value: 3, term: 1, version: 3, at: 0 },
      { value: 3, term: 2, version: 1, at: 0 },
      { value: 4, term: 2, version: 2, at: 0 },
    ]);
  });

  it('records a value handed over again (same term and version) once', () => {
    const first = soloRoom();
    first.lead(1);
    sharedCounter(first.room).publish(5, { term: 1 });
    const session = fakeSession(joined(first.room));
    const log: CounterLogEntry[] = [];
    recordCounterLog(session, log, () => 0);
    const second = soloRoom();
    second.lead(1);
    sharedCounter(second.room).publish(5, { term: 1 });
    session.set(joined(second.room));
    expect(log).toEqual([{ value: 5, term: 1, version: 1, at: 0 }]);
  });

  it(`keeps the newest ${maxCounterLogEntries} entries`, () => {
    const solo = soloRoom();
    solo.lead(1);
    const log: CounterLogEntry[] = [];
    recordCounterLog(fakeSession(joined(solo.room)), log, () => 0);
    const counter = sharedCounter(solo.room);
    for (let value = 1; value <= maxCounterLogEntries + 5; value++) counter.publish(value, { term: 1 });
    expect(log).toHaveLength(maxCounterLogEntries);
    expect(log[0]?.value).toBe(6);
    expect(log.at(-1)?.value).toBe(maxCounterLogEntries + 5);
  });
});
