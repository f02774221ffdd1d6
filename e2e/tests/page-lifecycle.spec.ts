import type { Page } from '@playwright/test';
import { expectOneLeader } from '../support/agreement';
import { launchRawChromium, type RawChromium } from '../support/raw-chromium';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { test as base, expect } from '../support/test';
import type { ConclaveWindow } from './reliability/support/room-probe';

/** Tabs in a Chromium without Playwright's focus emulation, where CDP can freeze a hidden page. */
const test = base.extend<{ raw: RawChromium }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured.
  raw: async ({}, use) => {
    const raw = await launchRawChromium();
    await use(raw);
    await raw.close();
  },
});

/** Why this tab's latest leadership-gained event happened ('elected' or 'handover'), if any. */
async function lastGainReason(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const events = (window as ConclaveWindow).conclave?.snapshot().events ?? [];
    return events.filter((event) => event.type === 'leadership-gained').at(-1)?.reason;
  });
}

// Chromium fires `freeze` when a hidden tab is frozen (after minutes in the background, or discarded); CDP's
// Page.setWebLifecycleState does the same at once. A visible page is hidden first, so the tab is frozen hidden.
test('a leader about to be frozen hands over first: its successor leads by hand-over, not by election', async ({
  raw,
  signaling,
}, testInfo) => {
  const pages = await openTabs(raw.context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 3);
  const before = await expectOneLeader(pages);
  const leaderPage = pages[before.leaderIndex]!;
  const others = pages.filter((page) => page !== leaderPage);

  const cdp = await raw.context.newCDPSession(leaderPage);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  try {
    const after = await expectOneLeader(others, { fullMesh: false });
    expect(after.leaderId).not.toBe(before.leaderId);
    expect(after.term).toBeGreaterThan(before.term);
    // Without the freeze hand-over the successor would have been elected after the leader fell silent.
    expect(await lastGainReason(others[after.leaderIndex]!)).toBe('handover');
  } finally {
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  }
  // Resumed, the old leader follows the new one; it never leads again on the leadership it gave up.
  const resumed = await expectOneLeader(pages);
  expect(resumed.leaderId).not.toBe(before.leaderId);
});
