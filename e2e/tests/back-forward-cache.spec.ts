import type { Page } from '@playwright/test';
import { expectOneLeader } from '../support/agreement';
import { readTab } from '../support/dashboard';
import { rawTest } from '../support/raw-chromium';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect } from '../support/test';

/**
 * Playwright's own Chromium runs with the back-forward cache off (`--disable-back-forward-cache`); the raw
 * Chromium (see raw-chromium.ts) keeps it on, so a real navigation away and back restores the page from it.
 */
const test = rawTest;

for (const transports of ['default', 'webrtc'] as const) {
  test(`a leader that goes into the back-forward cache hands over; restored, it rejoins under its id and follows (${transports} links)`, async ({
    raw,
    signaling,
  }, testInfo) => {
    const url = roomUrl(signaling.url, uniqueRoom(testInfo.title), transports);
    const pages = await openTabs(raw.context, url, 3);
    const before = await expectOneLeader(pages);
    const cachedPage = pages[before.leaderIndex]!;
    const others = pages.filter((page) => page !== cachedPage);
    const reasons = await notRestoredReasons(cachedPage);
    // A page restored from the cache keeps its JavaScript heap; a reloaded one does not.
    await cachedPage.evaluate(() => {
      (window as { restoredMarker?: number }).restoredMarker = 1;
    });

    await cachedPage.goto(`${signaling.url}/healthz`);
    const during = await expectOneLeader(others);
    expect(during.leaderId).not.toBe(before.leaderId);

    // A page restored from the cache fires no `load` (only `pageshow`): wait for the navigation's commit.
    await cachedPage.goBack({ waitUntil: 'commit' });
    const restored = await cachedPage.evaluate(() => (window as { restoredMarker?: number }).restoredMarker);
    expect(restored, `not restored from the back-forward cache: ${JSON.stringify(reasons)}`).toBe(1);
    const after = await expectOneLeader(pages);
    expect((await readTab(cachedPage))?.selfId).toBe(before.leaderId);
    // The sitting leader keeps the role; the restored tab follows it.
    expect(after.leaderId).toBe(during.leaderId);
    expect(after.term).toBe(during.term);
  });
}

/** Collects why Chromium did not restore the page from in the back-forward cache (CDP), for the failure message. */
async function notRestoredReasons(page: Page): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  cdp.on('Page.backForwardCacheNotUsed', (event) => reasons.push(event.notRestoredExplanations));
  return reasons;
}
