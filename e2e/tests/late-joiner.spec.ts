import { expectLeadershipHolds, expectOneLeader } from '../support/agreement';
import { readTab } from '../support/dashboard';
import { recordAgreement, recordNote } from '../support/measure';
import { clickButton, expectJoined, openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';
import { aliveThresholdMs } from '../support/timing';

/** Long enough for a newcomer's start-up (its grace period) and an election it might start to play out. */
const watchMs = 5 * aliveThresholdMs;

/** The hard case is a newcomer whose id is lower than the leader's (the lowest id wins contests). */
const maxRejoins = 12;

test('a tab opened later sees the sitting leader and does not take over', async ({
  context,
  signaling,
}, testInfo) => {
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
  await expectLeadershipHolds(all, sitting, watchMs);

  // Until the newcomer's id is lower than the leader's, leave and rejoin (a new id each time): it must
  // still follow the sitting leader rather than win the contest its id would win.
  let lowerIdTried = false;
  for (let attempt = 0; attempt < maxRejoins && !lowerIdTried; attempt++) {
    const state = await readTab(newcomer!);
    if (state !== undefined && state.selfId < sitting.leaderId) {
      lowerIdTried = true;
      break;
    }
    await clickButton(newcomer!, 'leave');
    await clickButton(newcomer!, 'rejoin');
    await expectJoined(newcomer!);
    const rejoined = await expectOneLeader(all);
    expect(rejoined).toEqual(sitting);
  }
  recordNote(
    testInfo,
    'coverage',
    lowerIdTried
      ? 'a newcomer with an id lower than the leader joined and followed'
      : `no newcomer id below the leader's in ${maxRejoins} rejoins`,
  );
  if (lowerIdTried) await expectLeadershipHolds(all, sitting, watchMs);
});
