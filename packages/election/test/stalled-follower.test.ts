import { describe, expect, it } from 'vitest';
import { browserDefaults, type Clock, createElection, type ElectionEvent } from '../src/index';
import { manualAdapter } from './helpers';

const { leaderAliveThreshold: T } = browserDefaults;
const heartbeat = T / 2;

/**
 * A clock whose event loop can stall: time passes while nothing runs, and when the loop resumes the timers
 * that fell due meanwhile run first, before the messages that arrived during the stall (what a browser tab
 * whose main thread was blocked does with its Worker timer's message and its data channel's).
 */
class StallingClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Time runs normally: each timer fires when it is due. */
  runUntil(time: number): void {
    for (let next = this.nextDue(time); next !== undefined; next = this.nextDue(time)) {
      this.time = Math.max(this.time, next.at);
      next.fire();
    }
    this.time = time;
  }

  /** The loop is stalled until `time`; then it runs the timers that fell due meanwhile, late, in due order. */
  stallUntil(time: number): void {
    this.time = time;
    for (let next = this.nextDue(time); next !== undefined; next = this.nextDue(time)) next.fire();
  }

  private nextDue(by: number): { at: number; fire: () => void } | undefined {
    let earliest: [number, { at: number; fn: () => void }] | undefined;
    for (const entry of this.timers)
      if (entry[1].at <= by && (!earliest || entry[1].at < earliest[1].at)) earliest = entry;
    if (earliest === undefined) return undefined;
    const [id, timer] = earliest;
    return {
      at: timer.at,
      fire: () => {
        this.timers.delete(id);
        timer.fn();
      },
    };
  }
}

/** Follower `m` of leader `a` (term 1), whose last declaration arrived at `lastAt`. */
function follower(lastAt: number) {
  const net = manualAdapter(['a', 'z']);
  const clock = new StallingClock();
  const events: ElectionEvent[] = [];
  const election = createElection({ id: 'm', adapter: net.adapter, clock });
  election.subscribe((event) => events.push(event));
  const declare = () => net.deliver({ type: 'declaration', sender: 'a', term: 1 });
  clock.runUntil(100);
  declare();
  clock.runUntil(lastAt);
  declare();
  const lost = () =>
    events.filter((event) => event.type === 'leader-changed' && event.leaderId === undefined);
  return { net, clock, election, declare, lost };
}

describe('liveness of a stalled follower', () => {
  it('keeps a leader whose declaration waited in its queue while its liveness timer fired late', () => {
    const { net, clock, election, declare, lost } = follower(600);
    // Stalled from 700 to 2000: the leader's heartbeat of 1100 waits behind the liveness check due at 1600.
    clock.stallUntil(2000);
    declare();
    expect(election.leaderId()).toBe('a');
    expect(lost()).toEqual([]);
    expect(net.gossiped).toEqual([]);
    // And again in a later silence: each silence has its own grace.
    clock.runUntil(2000 + heartbeat);
    declare();
    clock.stallUntil(2000 + heartbeat + 2 * T);
    declare();
    clock.runUntil(2000 + heartbeat + 3 * T - 1);
    expect(election.state()).toMatchObject({ leaderId: 'a', term: 1, phase: 'steady' });
    expect(lost()).toEqual([]);
    expect(election.stats().stallGraces).toBe(2);
  });

  it('still suspects a silent leader, one heartbeat interval after its late liveness check', () => {
    const { election, clock, net, lost } = follower(600);
    clock.stallUntil(2000);
    expect(election.leaderId()).toBe('a');
    clock.runUntil(2000 + heartbeat - 1);
    expect(election.leaderId()).toBe('a');
    clock.runUntil(2000 + heartbeat);
    expect(election.leaderId()).toBeUndefined();
    expect(lost()).toEqual([
      { type: 'leader-changed', at: 2000 + heartbeat, leaderId: undefined, term: 1, reason: 'leader-silent' },
    ]);
    expect(net.gossiped).toContainEqual({ type: 'proposal', sender: 'm', term: 1, holder: 'a' });
  });

  it('gives one grace per silence: stalled again through it, the follower suspects as soon as it runs', () => {
    const { election, clock, lost } = follower(600);
    clock.stallUntil(2000);
    clock.stallUntil(5000);
    expect(election.leaderId()).toBeUndefined();
    expect(lost()).toMatchObject([{ at: 5000, reason: 'leader-silent' }]);
    expect(election.stats().stallGraces).toBe(1);
  });

  it('suspects exactly T after the last declaration when its check runs on time', () => {
    const { election, clock, lost } = follower(600);
    clock.runUntil(600 + T - 1);
    expect(election.leaderId()).toBe('a');
    clock.runUntil(600 + T);
    expect(lost()).toMatchObject([{ at: 600 + T, reason: 'leader-silent' }]);
    expect(election.stats().stallGraces).toBe(0);
  });
});
