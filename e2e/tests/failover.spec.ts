import { expectOneLeader } from '../support/agreement';
import { recordAgreement } from '../support/measure';
import { crashTab, openTabs, roomUrl, uniqueRoom } from '../support/tabs';
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
  const leaderPage = pages[before.leaderIndex]!;
  const survivors = pages.filter((page) => page !== leaderPage);

  const crashedAt = Date.now();
  await crashTab(leaderPage);
  // A crashed tab says nothing: its data channels may look open for a while, so don't require a full mesh.
  const after = await expectOneLeader(survivors, { fullMesh: false });
  await recordAgreement(
    testInfo,
    'leader tab crashed to all following a new leader',
    survivors,
    after.leaderId,
    crashedAt,
  );

  expect(after.leaderId).not.toBe(before.leaderId);
  expect(after.term).toBeGreaterThan(before.term);
  await leaderPage.close();
});
