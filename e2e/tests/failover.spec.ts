import { expectOneLeader } from '../support/agreement';
import { crashLeaderAndAgree } from '../support/failover';
import { recordAgreement } from '../support/measure';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';

test('the leader tab closes: the others agree on a new leader with a higher term', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 4);
  const before = await expectOneLeader(pages);
  const leaderPage = pages[before.leaderIndex]!;
  const survivors = pages.filter((page) => page !== leaderPage);

  const closedAt = Date.now();
  await leaderPage.close();
  const after = await expectOneLeader(survivors);
  await recordAgreement(
    testInfo,
    'leader tab closed to all following a new leader',
    survivors,
    after.leaderId,
    closedAt,
  );

  expect(after.leaderId).not.toBe(before.leaderId);
  expect(after.term).toBeGreaterThan(before.term);
});

test('the leader tab crashes: the others agree on a new leader', async ({ context, signaling }, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 4);
  const before = await expectOneLeader(pages);
  const { leaderPage } = await crashLeaderAndAgree(
    testInfo,
    pages,
    before,
    'leader tab crashed to all following a new leader',
  );
  await leaderPage.close();
});
