import { expectOneLeader } from '../support/agreement';
import { recordAgreement, recordDuration } from '../support/measure';
import { roomUrl, uniqueRoom } from '../support/tabs';
import { test } from '../support/test';

for (const count of [2, 5, 8]) {
  test(`${count} tabs elect exactly one leader and all show its id and term`, async ({
    context,
    signaling,
  }, testInfo) => {
    const url = roomUrl(signaling.url, uniqueRoom(testInfo.title));
    // Open the tabs first, then navigate them all at once (like a browser restoring a session): what is
    // timed is the app, not Playwright creating pages.
    const pages = await Promise.all(Array.from({ length: count }, () => context.newPage()));
    const startedAt = Date.now();
    await Promise.all(pages.map((page) => page.goto(url)));
    const openedAt = Date.now();
    recordDuration(testInfo, `${count} tabs: loading them all at once`, openedAt - startedAt);
    const agreed = await expectOneLeader(pages);
    const agreedAt = await recordAgreement(
      testInfo,
      `${count} tabs: first navigation to all following one leader`,
      pages,
      agreed.leaderId,
      startedAt,
    );
    recordDuration(
      testInfo,
      `${count} tabs: last tab loaded to all following one leader`,
      agreedAt - openedAt,
    );
  });
}
