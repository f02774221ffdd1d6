import { describe, expect, it } from 'vitest';
import { TermLeaders } from '../src/term-leaders';
import { soloRoom } from './solo-room';

describe('TermLeaders', () => {
  it('remembers who led each term, ignoring an unknown leader', () => {
    const leaders = new TermLeaders();
    leaders.record({ isLeader: false, leaderId: 'a', term: 1 });
    leaders.record({ isLeader: false, leaderId: undefined, term: 2 });
    leaders.record({ isLeader: true, leaderId: 'b', term: 3 });
    expect([1, 2, 3].map((term) => leaders.leaderOf(term))).toEqual(['a', undefined, 'b']);
  });

  it('keeps only the most recent terms', () => {
    const leaders = new TermLeaders(2);
    for (const term of [1, 2, 3]) leaders.record({ isLeader: false, leaderId: `p${term}`, term });
    expect([1, 2, 3].map((term) => leaders.leaderOf(term))).toEqual([undefined, 'p2', 'p3']);
  });

  it('follows a room from now on until unsubscribed', () => {
    const solo = soloRoom('s'.repeat(32));
    solo.follow('x'.repeat(32), 4);
    const leaders = new TermLeaders();
    const stop = leaders.follow(solo.room);
    solo.lead(5);
    stop();
    solo.follow('y'.repeat(32), 6);
    expect([4, 5, 6].map((term) => leaders.leaderOf(term))).toEqual([
      'x'.repeat(32),
      's'.repeat(32),
      undefined,
    ]);
  });
});
