import type { PeerId } from '@conclave/election';
import {
  LeaderCallError,
  LeadershipEndedError,
  type SharedEntry,
  SharedWorkUsageError,
} from '@conclave/shared-work';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MeshRoom } from '../src/room';
import { FakeRooms } from './fake-rooms';

/** How often the demo task counts, in virtual ms. */
const tickMs = 100;
const counterSchema = z.number().int();

interface Tab {
  readonly room: MeshRoom;
  /** Every counter value this tab accepted, in order. */
  readonly seen: SharedEntry<number>[];
  /** The runs of its leader task: the term, and why it ended (once it did). */
  readonly runs: { term: number; ended?: unknown }[];
}

/**
 * The demo every tab runs, as an app would: a leader task that counts every {@link tickMs} into the shared
 * `counter` (fenced by its term), and a `whoami` method that names the tab that answers.
 */
function runDemo(hub: FakeRooms, room: MeshRoom): Tab {
  const tab: Tab = { room, seen: [], runs: [] };
  const counter = room.shared('counter', { schema: counterSchema });
  counter.subscribe((entry) => tab.seen.push(entry));
  room.runWhileLeader(({ signal, term }) => {
    const run: Tab['runs'][number] = { term };
    tab.runs.push(run);
    let timer: unknown;
    const tick = () => {
      counter.publish((counter.get()?.value ?? 0) + 1, { term });
      timer = hub.clock.setTimeout(tick, tickMs);
    };
    timer = hub.clock.setTimeout(tick, tickMs);
    signal.addEventListener('abort', () => {
      hub.clock.clearTimeout(timer);
      run.ended = signal.reason;
    });
  });
  room.serve('whoami', (_args: unknown, { term }) => ({ id: room.selfId, term }));
  return tab;
}

async function threeTabs(): Promise<{ hub: FakeRooms; tabs: Tab[]; leader: Tab; followers: Tab[] }> {
  const hub = new FakeRooms();
  const tabs = [hub.join(), hub.join(), hub.join()].map((room) => runDemo(hub, room));
  await hub.until(() => hub.agreedLeader() !== undefined, 5_000, 'one leader');
  const leaderRoom = hub.agreedLeader()!;
  const leader = tabs.find((tab) => tab.room === leaderRoom)!;
  return { hub, tabs, leader, followers: tabs.filter((tab) => tab !== leader) };
}

/** The values a tab saw: each one more than the last (no gap, no double count), terms never going down. */
function expectCountedOnce(seen: readonly SharedEntry<number>[]): void {
  expect(seen.length).toBeGreaterThan(0);
  const first = seen[0]!.value;
  expect(seen.map((entry) => entry.value)).toEqual(seen.map((_, index) => first + index));
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.term).toBeGreaterThanOrEqual(seen[i - 1]!.term);
}

function ids(tabs: readonly Tab[]): PeerId[] {
  return tabs.map((tab) => tab.room.selfId);
}

describe('Room: the leader-work API on the room’s own election', () => {
  it('runs the task on the leader only, shares its value with the followers, and answers callLeader there', async () => {
    const { hub, tabs, leader, followers } = await threeTabs();
    const term = leader.room.leadership().term;
    await hub.until(() => followers.every((tab) => (tab.seen.at(-1)?.value ?? 0) >= 5), 5_000, '5 counts');

    expect(leader.runs).toEqual([{ term }]);
    for (const tab of followers) expect(tab.runs).toEqual([]);
    for (const tab of tabs) {
      expect(tab.seen[0]).toMatchObject({ value: 1, term });
      expectCountedOnce(tab.seen);
    }

    const asker = followers[0]!;
    const answer = await hub.settle(
      asker.room.callLeaderDetailed<{ id: string; term: number }>('whoami'),
      2_000,
      'whoami answered',
    );
    expect(answer).toMatchObject({
      value: { id: leader.room.selfId, term },
      leaderId: leader.room.selfId,
      term,
    });
    await expect(hub.settle(leader.room.callLeader('whoami'), 100, 'local call')).resolves.toEqual({
      id: leader.room.selfId,
      term,
    });

    // The room's stats include its leader work's counters.
    expect(asker.room.stats().sharedWork).toMatchObject({ handlers: 1, sharedValues: 1, pendingCalls: 0 });
    expect(asker.room.stats().sharedWork.received).toBeGreaterThanOrEqual(6);
    expect(leader.room.stats().sharedWork).toMatchObject({ callsServed: 2, runningTasks: 1 });
  });

  it('leave() ends the leader’s task with its leadership (before the work is disposed); the next leader counts on', async () => {
    const { hub, leader, followers } = await threeTabs();
    await hub.until(() => followers.every((tab) => (tab.seen.at(-1)?.value ?? 0) >= 3), 5_000, '3 counts');
    const term = leader.room.leadership().term;
    const pending = leader.room.callLeader('whoami'); // still in flight when the room leaves
    const pendingOutcome = pending.then(
      () => 'resolved',
      (error: unknown) => (error as LeaderCallError).code,
    );
    const leaving = leader.room.leave();

    // The task saw the leadership end ('lost'), not the disposal that follows it.
    expect(leader.runs).toHaveLength(1);
    expect(leader.runs[0]!.ended).toBeInstanceOf(LeadershipEndedError);
    expect(leader.runs[0]!.ended).toMatchObject({ reason: 'lost', term });
    await hub.settle(leaving, 1_000, 'left');
    expect(await pendingOutcome).toBe('disposed');
    expect(() => leader.room.runWhileLeader(() => {})).toThrow(SharedWorkUsageError);
    await expect(leader.room.callLeader('whoami')).rejects.toMatchObject({ code: 'disposed' });

    await hub.until(() => hub.agreedLeader() !== undefined, 5_000, 'a new leader');
    const next = followers.find((tab) => tab.room === hub.agreedLeader())!;
    const reached = leader.seen.at(-1)!.value;
    await hub.until(
      () => followers.every((tab) => (tab.seen.at(-1)?.value ?? 0) >= reached + 3),
      5_000,
      'the count goes on',
    );
    expect(next.runs).toEqual([{ term: next.room.leadership().term }]);
    expect(next.room.leadership().term).toBeGreaterThan(term);
    for (const tab of followers) expectCountedOnce(tab.seen);
    expect(ids(followers)).toContain(next.room.selfId);
  });

  it('the pagehide path (leaveNow) also ends the task with the leadership first', async () => {
    const { hub, leader, followers } = await threeTabs();
    await hub.until(() => followers.every((tab) => tab.seen.length >= 2), 5_000, '2 counts');
    const term = leader.room.leadership().term;
    leader.room.leaveNow();
    expect(leader.runs[0]!.ended).toMatchObject({ reason: 'lost', term });
    expect(leader.room.stats().sharedWork.runningTasks).toBe(0);

    const reached = leader.seen.at(-1)!.value;
    await hub.until(
      () => followers.every((tab) => (tab.seen.at(-1)?.value ?? 0) >= reached + 2),
      5_000,
      'the next leader counts on',
    );
    for (const tab of followers) expectCountedOnce(tab.seen);
  });

  it('a crashed leader’s count is taken over without a gap once the others notice', async () => {
    const { hub, leader, followers } = await threeTabs();
    await hub.until(() => followers.every((tab) => tab.seen.length >= 3), 5_000, '3 counts');
    hub.crash(leader.room.selfId);
    const reached = Math.max(...followers.map((tab) => tab.seen.at(-1)!.value));
    await hub.until(
      () => followers.every((tab) => (tab.seen.at(-1)?.value ?? 0) >= reached + 3),
      10_000,
      'the count goes on after the crash',
    );
    for (const tab of followers) expectCountedOnce(tab.seen);
  });

  it('a late joiner holds the current value as soon as its link to the leader opens', async () => {
    const { hub, leader } = await threeTabs();
    await hub.until(() => leader.seen.length >= 3, 5_000, '3 counts');
    const late = runDemo(hub, hub.join());
    await hub.until(() => late.room.peers().includes(leader.room.selfId), 2_000, 'linked to the leader');
    const linkedAt = hub.clock.now();
    await hub.until(() => late.seen.length > 0, tickMs, 'the value, before the next tick');
    // Whatever the leader held when the link opened (or the tick after): never an older value.
    expect(late.seen[0]!.value).toBeGreaterThanOrEqual(leader.seen.at(-1)!.value - 1);
    expect(hub.clock.now() - linkedAt).toBeLessThan(tickMs);
    await hub.run(5 * tickMs);
    expectCountedOnce(late.seen);
    expect(late.runs).toEqual([]);
  });

  it('a follower’s call waits for the leader and fails typed when there is none', async () => {
    const hub = new FakeRooms();
    const alone = runDemo(hub, hub.join());
    // Alone and still in its start-up wait: nobody leads yet, so a short call gives up with `no-leader`.
    const call = alone.room.callLeader('whoami', undefined, { deadlineMs: 200 });
    await expect(hub.settle(call, 1_000, 'call gave up')).rejects.toBeInstanceOf(LeaderCallError);
    await expect(call).rejects.toMatchObject({ code: 'no-leader' });
  });
});
