import { compareIds } from '@conclave/election';
import { describe, expect, it } from 'vitest';
import type { VisibilityOptions } from '../src/room-visibility';
import { FakeRooms } from './fake-rooms';

const hiddenLeaderMs = 2_000;

async function threeRooms(visibility: VisibilityOptions) {
  const hub = new FakeRooms();
  const rooms = [hub.join(visibility), hub.join(visibility), hub.join(visibility)];
  await hub.until(() => hub.agreedLeader() !== undefined, 10_000, 'one agreed leader');
  const leader = hub.agreedLeader()!;
  const others = rooms.filter((room) => room !== leader).sort((a, b) => compareIds(a.selfId, b.selfId));
  return { hub, rooms, leader, others };
}

describe('page visibility in a room', () => {
  it('each peer shows whether the others say their page is visible', async () => {
    const { hub, leader, others } = await threeRooms({});
    const [first] = others;
    const seenByFirst = () => first!.snapshot().peers.find((peer) => peer.id === leader.selfId)?.visible;
    expect(seenByFirst()).toBe(true);
    leader.visibilityChanged(false);
    await hub.until(() => seenByFirst() === false, 1_000, 'the hidden page reported');
    leader.visibilityChanged(true);
    await hub.until(() => seenByFirst() === true, 1_000, 'the visible page reported');
  });

  it("with leaderPreference 'visible', a leader hidden for hiddenLeaderMs hands over to the lowest visible peer", async () => {
    const { hub, leader, others } = await threeRooms({ leaderPreference: 'visible', hiddenLeaderMs });
    const [lowest, highest] = others;
    lowest!.visibilityChanged(false); // so the successor must be the highest id: the only visible peer
    leader.visibilityChanged(false);
    const hiddenAt = hub.clock.now();
    await hub.until(() => hub.agreedLeader() === highest, 2 * hiddenLeaderMs, 'the visible peer leads');
    expect(hub.clock.now() - hiddenAt).toBeGreaterThanOrEqual(hiddenLeaderMs);
    // It stays: the hidden ones do not take it back, nor does anyone else, however long it runs.
    await hub.run(5 * hiddenLeaderMs);
    expect(hub.agreedLeader()).toBe(highest);
  });

  it('without the preference, a hidden leader keeps the role', async () => {
    const { hub, leader } = await threeRooms({});
    leader.visibilityChanged(false);
    await hub.run(3 * 5_000);
    expect(hub.agreedLeader()).toBe(leader);
  });

  it('a hidden leader with no visible peer keeps the role', async () => {
    const { hub, leader, others } = await threeRooms({ leaderPreference: 'visible', hiddenLeaderMs });
    for (const room of [...others, leader]) room.visibilityChanged(false);
    await hub.run(3 * hiddenLeaderMs);
    expect(hub.agreedLeader()).toBe(leader);
  });
});
