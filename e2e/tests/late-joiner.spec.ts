import { expectLeadershipHolds, expectOneLeader } from '../support/agreement';
import { readTab } from '../support/dashboard';
import { recordAgreement } from '../support/measure';
import { descendingPeerIds, startSignaling } from '../support/signaling-fixture';
import { clickButton, expectJoined, openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';
import { aliveThresholdMs } from '../support/timing';

/** Long enough for a newcomer's start-up (its grace period) and an election it might start to play out. */
const watchMs = 5 * aliveThresholdMs;

// The hard case is a newcomer whose id is lower than the leader's: the lowest id wins contests. This
// server hands out ids that only go down, so every newcomer here is that case, on every run.
test('a tab opened later, with the lowest id in the room, sees the sitting leader and does not take over', async ({
  context,
}, testInfo) => {
  const signaling = await startSignaling({ newPeerId: descendingPeerIds() });
  try {
    const url = roomUrl(signaling.url, uniqueRoom(testInfo.title));
    const pages = await openTabs(context, url, 3);
    const sitting = await expectOneLeader(pages);

    const openedAt = Date.now();
    const [newcomer] = await openTabs(context, url, 1);
    const all = [...pages, newcomer!];
    const seen = await expectOneLeader(all);
    await recordAgreement(
      testInfo,
      'late tab opened to following the sitting leader',
      [newcomer!],
      sitting.leaderId,
      openedAt,
    );
    expect(seen).toEqual(sitting);
    const newcomerId = (await readTab(newcomer!))?.selfId ?? '';
    expect(newcomerId, 'the newcomer has a lower id than the leader').toMatch(/^[0-9a-f]{32}$/);
    expect(newcomerId < sitting.leaderId, 'the newcomer has a lower id than the leader').toBe(true);
    await expectLeadershipHolds(all, sitting, watchMs);

    // Leaving and rejoining gives a new, still lower id: the sitting leader keeps the role again.
    await clickButton(newcomer!, 'leave');
    await clickButton(newcomer!, 'rejoin');
    await expectJoined(newcomer!);
    const rejoinedId = (await readTab(newcomer!))?.selfId ?? '';
    expect(rejoinedId, 'the rejoined tab has an id').toMatch(/^[0-9a-f]{32}$/);
    expect(rejoinedId < newcomerId, 'the rejoined tab has a lower id still').toBe(true);
    expect(await expectOneLeader(all)).toEqual(sitting);
    await expectLeadershipHolds(all, sitting, watchMs);
  } finally {
    await signaling.close();
  }
});
