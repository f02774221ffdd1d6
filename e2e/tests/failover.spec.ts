import { expectOneLeader } from '../support/agreement';
import { closeLeaderAndAgree, crashLeaderAndAgree } from '../support/failover';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { test } from '../support/test';

test('the leader tab closes: the others agree on a new leader with a higher term', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 4);
  const before = await expectOneLeader(pages);
  await closeLeaderAndAgree(testInfo, pages, before, 'leader tab closed to all following a new leader');
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
