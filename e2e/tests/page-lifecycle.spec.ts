import { expectOneLeader } from '../support/agreement';
import { rawTest } from '../support/raw-chromium';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect } from '../support/test';
import { lastGainReason } from './reliability/support/room-probe';

/** Tabs in one window of a Chromium without Playwright's focus emulation (see raw-chromium.ts). */
const test = rawTest;

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
