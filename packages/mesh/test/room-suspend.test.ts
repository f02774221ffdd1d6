import type { SharedEntry } from '@conclave/shared-work';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MeshRoom } from '../src/room';
import { FakeRooms } from './fake-rooms';

const counterSchema = z.number().int();

/** The reason of the last `leadership-gained` event a room recorded. */
function lastGainReason(room: MeshRoom): string | undefined {
  return room
    .snapshot()
    .events.filter((event) => event.source === 'election' && event.type === 'leadership-gained')
    .at(-1)?.reason;
}

function meshEvents(room: MeshRoom): string[] {
  return room
    .snapshot()
    .events.filter((event) => event.source === 'mesh')
    .map((event) => event.type);
}

async function threeRooms() {
  const hub = new FakeRooms();
  const rooms = [hub.join(), hub.join(), hub.join()];
  await hub.until(() => hub.agreedLeader() !== undefined, 5_000, 'one leader');
  const leader = hub.agreedLeader()!;
  return { hub, rooms, leader, followers: rooms.filter((room) => room !== leader) };
}

// The back-forward cache: `pagehide` with `persisted` suspends the room, `pageshow` with `persisted` resumes it
// (page-lifecycle.ts). Here the room's two methods are called directly, over the in-memory signaling hub.
describe('Room: suspended for the back-forward cache, resumed under its id', () => {
  it('a suspended leader hands over; resumed, the tab rejoins under the same id and follows', async () => {
    const { hub, rooms, leader, followers } = await threeRooms();
    const before = leader.leadership();
    const selfId = leader.selfId;

    leader.suspend();
    expect(leader.leadership()).toMatchObject({ isLeader: false, leaderId: undefined });
    expect(leader.peers()).toEqual([]);
    expect(leader.snapshot().peers).toEqual([]);
    await hub.until(() => hub.agreedLeader() !== undefined, 2_000, 'a new leader among the others');
    const successor = hub.agreedLeader()!;
    expect(followers).toContain(successor);
    expect(successor.leadership().term).toBeGreaterThan(before.term);
    // Handed over at suspension, not elected after the leader fell silent.
    expect(lastGainReason(successor)).toBe('handover');

    await leader.resume();
    expect(leader.selfId).toBe(selfId);
    await hub.until(
      () => hub.agreedLeader() === successor && rooms.every((room) => room.peers().length === 2),
      5_000,
      'all three linked again, following the successor',
    );
    expect(leader.leadership()).toMatchObject({ isLeader: false, leaderId: successor.selfId });
    const events = meshEvents(leader);
    expect(events.indexOf('suspended')).toBeGreaterThan(events.indexOf('joined'));
    expect(events.indexOf('resumed')).toBeGreaterThan(events.indexOf('suspended'));
    expect(events).not.toContain('left');
  });

  it("keeps the app's listeners and shared values across the suspension, and resyncs them from the leader", async () => {
    const { hub, followers } = await threeRooms();
    const [sleeper, other] = followers as [MeshRoom, MeshRoom];
    const leader = hub.agreedLeader()!;
    const seen: SharedEntry<number>[] = [];
    sleeper.shared('counter', { schema: counterSchema }).subscribe((entry) => seen.push(entry));
    const linked: string[] = [];
    sleeper.onPeerLinked((peer) => linked.push(peer));
    const counter = leader.shared('counter', { schema: counterSchema });
    const term = leader.leadership().term;
    counter.publish(1, { term });
    await hub.until(() => seen.at(-1)?.value === 1, 1_000, 'the sleeper sees 1');

    sleeper.suspend();
    counter.publish(2, { term });
    await hub.run(500);
    expect(seen.map((entry) => entry.value)).toEqual([1]); // asleep: nothing arrives

    await sleeper.resume();
    await hub.until(() => seen.at(-1)?.value === 2, 5_000, 'the resumed tab catches up to 2');
    expect(seen.map((entry) => entry.value)).toEqual([1, 2]);
    // Subscribed once, before the suspension: told of each peer's new link after it.
    expect([...linked].sort()).toEqual([leader.selfId, other.selfId].sort());
  });

  it('a suspension while a resume is opening its transports wins: the tab stays away', async () => {
    const { hub, followers } = await threeRooms();
    const sleeper = followers[0]!;
    sleeper.suspend();
    const resuming = sleeper.resume();
    sleeper.suspend(); // pagehide again before the resume finished
    await resuming;
    await hub.run(2_000);
    expect(sleeper.peers()).toEqual([]);
    expect(hub.live()).not.toContain(sleeper);
    for (const room of hub.live()) expect(room.peers()).not.toContain(sleeper.selfId);
    // And a later resume still works.
    await sleeper.resume();
    await hub.until(() => hub.live().every((room) => room.peers().length === 2), 5_000, 'all linked');
  });

  it('a left room neither suspends nor resumes', async () => {
    const { hub, followers } = await threeRooms();
    const gone = followers[0]!;
    await gone.leave();
    gone.suspend();
    await gone.resume();
    await hub.run(2_000);
    expect(gone.peers()).toEqual([]);
    for (const room of hub.live()) expect(room.peers()).not.toContain(gone.selfId);
  });
});
