import { expectLeadershipHolds, expectOneLeader } from '../support/agreement';
import { recordAgreement } from '../support/measure';
import { clickButton, openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';
import { aliveThresholdMs, yieldPeriodMs } from '../support/timing';

test('Yield on the dashboard: another tab leads and the yielder does not take it back', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 3);
  const before = await expectOneLeader(pages);
  const yielder = pages[before.leaderIndex]!;
  for (const page of pages) {
    if (page !== yielder) await expect(page.getByTestId('yield')).toBeDisabled();
  }

  await yielder.bringToFront();
  const yieldedAt = Date.now();
  await clickButton(yielder, 'yield');
  const after = await expectOneLeader(pages);
  await recordAgreement(
    testInfo,
    'Yield clicked to all following a new leader',
    pages,
    after.leaderId,
    yieldedAt,
  );
  expect(after.leaderId).not.toBe(before.leaderId);
  expect(after.term).toBeGreaterThan(before.term);

  // Past the whole yield period (after which the yielder may compete again) the new leader must hold.
  await expectLeadershipHolds(pages, after, yieldPeriodMs + 2 * aliveThresholdMs);
  await expect(yielder.getByTestId('role')).toHaveText('follower');
});
