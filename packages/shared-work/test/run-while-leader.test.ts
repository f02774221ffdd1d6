import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLeaderWork, LeadershipEndedError, type LeaderTaskContext, SharedWorkUsageError } from '../src';
import { MemoryNetwork } from './support/memory-room';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** One tab alone (nobody to catch up from): tasks start as soon as it leads. */
function alone() {
  const network = new MemoryNetwork();
  const core = network.add('a');
  const errors: Array<{ error: unknown; term: number | undefined }> = [];
  const work = createLeaderWork(core, {
    onError: (error, context) =>
      errors.push({ error, term: context.source === 'task' ? context.term : undefined }),
  });
  const runs: LeaderTaskContext[] = [];
  return { network, core, work, errors, runs, record: (ctx: LeaderTaskContext) => void runs.push(ctx) };
}

function reasonOf(ctx: LeaderTaskContext): LeadershipEndedError {
  expect(ctx.signal.aborted).toBe(true);
  expect(ctx.signal.reason).toBeInstanceOf(LeadershipEndedError);
  return ctx.signal.reason as LeadershipEndedError;
}

describe('runWhileLeader', () => {
  it('does not run on a follower, and runs once the tab becomes leader, with its term and id', () => {
    const { core, work, runs, record } = alone();
    core.setLeadership({ isLeader: false, leaderId: 'b', term: 1 });
    work.runWhileLeader(record);
    expect(runs).toHaveLength(0);
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 2 });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.term).toBe(2);
    expect(runs[0]?.leaderId).toBe('a');
    expect(runs[0]?.signal.aborted).toBe(false);
  });

  it('runs at once when the tab leads already', () => {
    const { core, work, runs, record } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 4 });
    work.runWhileLeader(record);
    expect(runs.map((r) => r.term)).toEqual([4]);
  });

  it('aborts the signal synchronously when leadership is lost, with reason "lost"', () => {
    const { core, work, runs, record } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    work.runWhileLeader(record);
    let abortedDuringChange = false;
    core.onLeadershipChange(() => {
      abortedDuringChange = runs[0]?.signal.aborted ?? false;
    });
    core.setLeadership({ isLeader: false, leaderId: 'b', term: 2 });
    expect(abortedDuringChange).toBe(true);
    expect(reasonOf(runs[0]!).reason).toBe('lost');
    expect(reasonOf(runs[0]!).term).toBe(1);
    expect(work.stats().runningTasks).toBe(0);
  });

  it('aborts and runs again when the term changes while leading', () => {
    const { core, work, runs, record } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    work.runWhileLeader(record);
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 3 });
    expect(reasonOf(runs[0]!).reason).toBe('term-changed');
    expect(runs.map((r) => r.term)).toEqual([1, 3]);
    expect(runs[1]?.signal.aborted).toBe(false);
  });

  it('runs once per leadership even when the same leadership is announced again', () => {
    const { core, work, runs, record } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    work.runWhileLeader(record);
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.signal.aborted).toBe(false);
  });

  it('the unsubscribe aborts the run ("unsubscribed") and the task never runs again', () => {
    const { core, work, runs, record } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    const unsubscribe = work.runWhileLeader(record);
    unsubscribe();
    expect(reasonOf(runs[0]!).reason).toBe('unsubscribed');
    core.setLeadership({ isLeader: false, leaderId: 'b', term: 2 });
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 3 });
    expect(runs).toHaveLength(1);
  });

  it('dispose aborts runs ("disposed"), stops listening, and refuses new tasks', () => {
    const { core, work, runs, record } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    work.runWhileLeader(record);
    work.dispose();
    expect(reasonOf(runs[0]!).reason).toBe('disposed');
    expect(core.listenerCounts()).toEqual({ leadership: 0, peers: 0, app: 0 });
    expect(() => work.runWhileLeader(record)).toThrow(SharedWorkUsageError);
    work.dispose(); // idempotent
  });

  it('reports a task that throws, and does not run it again until the next leadership', () => {
    const { core, work, errors } = alone();
    let calls = 0;
    work.runWhileLeader(() => {
      calls += 1;
      throw new Error('boom');
    });
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({ message: 'boom' });
    expect(errors[0]?.term).toBe(1);
    core.setLeadership({ isLeader: false, leaderId: 'b', term: 2 });
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 3 });
    expect(calls).toBe(2);
    expect(work.stats().taskFailures).toBe(2);
  });

  it('reports a task that rejects while leading', async () => {
    const { core, work, errors } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    work.runWhileLeader(async () => {
      await Promise.resolve();
      throw new TypeError('async boom');
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.map((e) => (e.error as Error).message)).toEqual(['async boom']);
  });

  it('does not report a task that rejects because its signal aborted', async () => {
    const { core, work, errors } = alone();
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    work.runWhileLeader(
      ({ signal }) =>
        new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    core.setLeadership({ isLeader: false, leaderId: 'b', term: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(0);
    expect(work.stats().taskFailures).toBe(0);
  });

  it('keeps a task that returned at once alive until leadership ends (its timers stop on abort)', async () => {
    const { core, work } = alone();
    let ticks = 0;
    work.runWhileLeader(({ signal }) => {
      const timer = setInterval(() => ticks++, 100);
      signal.addEventListener('abort', () => clearInterval(timer));
    });
    core.setLeadership({ isLeader: true, leaderId: 'a', term: 1 });
    await vi.advanceTimersByTimeAsync(350);
    expect(ticks).toBe(3);
    expect(work.stats().runningTasks).toBe(1);
    core.setLeadership({ isLeader: false, leaderId: 'b', term: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(ticks).toBe(3);
  });
});

describe('runWhileLeader after a takeover', () => {
  it('starts tasks once every peer answered the catch-up, not before', async () => {
    const network = new MemoryNetwork();
    network.latencyMs = 10;
    const a = network.add('a');
    network.add('b');
    network.add('c');
    const peers = ['b', 'c'].map((id) => createLeaderWork(network.core(id)));
    const work = createLeaderWork(a, { takeoverSyncMs: 1000 });
    const runs: number[] = [];
    work.runWhileLeader(({ term }) => void runs.push(term));
    network.setLeader('a', 1);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(15); // requests arrived, answers on their way
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toEqual([1]);
    for (const peer of peers) peer.dispose();
  });

  it('starts tasks after takeoverSyncMs when a peer never answers', async () => {
    const network = new MemoryNetwork();
    const a = network.add('a');
    network.add('mute'); // no leader-work on it: never answers
    const work = createLeaderWork(a, { takeoverSyncMs: 500 });
    const runs: number[] = [];
    work.runWhileLeader(({ term }) => void runs.push(term));
    network.setLeader('a', 1);
    await vi.advanceTimersByTimeAsync(499);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([1]);
  });

  it('stops waiting for a peer that left during the catch-up', async () => {
    const network = new MemoryNetwork();
    const a = network.add('a');
    network.add('gone'); // no leader-work on it: it would never answer
    const work = createLeaderWork(a, { takeoverSyncMs: 5000 });
    const runs: number[] = [];
    work.runWhileLeader(({ term }) => void runs.push(term));
    network.setLeader('a', 1);
    await vi.advanceTimersByTimeAsync(20);
    expect(runs).toEqual([]);
    network.unlink('a', 'gone');
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toEqual([1]);
  });

  it('never starts tasks for a leadership lost during the catch-up', async () => {
    const network = new MemoryNetwork();
    const a = network.add('a');
    network.add('mute');
    const work = createLeaderWork(a, { takeoverSyncMs: 500 });
    const runs: number[] = [];
    work.runWhileLeader(({ term }) => void runs.push(term));
    network.setLeader('a', 1);
    await vi.advanceTimersByTimeAsync(100);
    network.setLeader('mute', 2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual([]);
  });
});
