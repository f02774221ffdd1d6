import { expectOneLeader } from '../support/agreement';
import { recordAgreement, recordDuration } from '../support/measure';
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
    recordDuration(testInfo, `${count} tabs: opening them (one after another)`, Date.now() - startedAt);
    const agreed = await expectOneLeader(pages);
    await recordAgreement(
      testInfo,
      `${count} tabs: first navigation to all following one leader`,
      pages,
      agreed.leaderId,
      startedAt,
    );
  });
}
