import { expectOneLeader } from '../support/agreement';
import { recordDuration } from '../support/measure';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { test } from '../support/test';

for (const count of [2, 5, 8]) {
  test(`${count} tabs elect exactly one leader and all show its id and term`, async ({
    context,
    signaling,
  }, testInfo) => {
    const url = roomUrl(signaling.url, uniqueRoom(testInfo.title));
    const startedAt = Date.now();
    const pages = await openTabs(context, url, count);
    await expectOneLeader(pages);
    recordDuration(testInfo, `${count} tabs: first navigation to one agreed leader`, Date.now() - startedAt);
  });
}
