import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answerWhoami,
  counterTickMs,
  countWhileLeading,
  sharedCounter,
  whoamiAnswerSchema,
  whoamiMethod,
} from '../src/shared-counter';
import { soloRoom } from './solo-room';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function values(solo: ReturnType<typeof soloRoom>) {
  const seen: Array<{ value: number; term: number }> = [];
  sharedCounter(solo.room).subscribe(({ value, term }) => seen.push({ value, term }));
  return seen;
}

describe('the shared counter demo', () => {
  it('counts only while leading, every tick, from the value held, each value under its leadership’s term', async () => {
    const solo = soloRoom();
    const seen = values(solo);
    solo.room.runWhileLeader(countWhileLeading(solo.room));
    await vi.advanceTimersByTimeAsync(4 * counterTickMs);
    expect(seen).toEqual([]); // a follower does not count

    solo.lead(3);
    await vi.advanceTimersByTimeAsync(3 * counterTickMs);
    solo.follow('b'.repeat(32), 4);
    await vi.advanceTimersByTimeAsync(4 * counterTickMs);
    solo.lead(5);
    await vi.advanceTimersByTimeAsync(2 * counterTickMs);
    expect(seen).toEqual([
      { value: 1, term: 3 },
      { value: 2, term: 3 },
      { value: 3, term: 3 },
      { value: 4, term: 5 },
      { value: 5, term: 5 },
    ]);
  });

  it('answers whoami with the leader’s id and term, in the shape callers validate', async () => {
    const solo = soloRoom('c'.repeat(32));
    solo.room.serve(whoamiMethod, answerWhoami(solo.room));
    solo.lead(7);
    const answer = await solo.room.callLeader('whoami');
    expect(whoamiAnswerSchema.parse(answer)).toEqual({ id: 'c'.repeat(32), term: 7 });
  });
});
