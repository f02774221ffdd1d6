import type { Page } from '@playwright/test';
import { expectLeadershipHolds, expectOneLeader } from '../support/agreement';
import { crashLeaderAndAgree } from '../support/failover';
import { rawTest } from '../support/raw-chromium';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect } from '../support/test';
import { aliveThresholdMs } from '../support/timing';

/** Tabs in one window of a Chromium without Playwright's focus emulation (see raw-chromium.ts). */
const test = rawTest;

const visibility = (pages: readonly Page[]) =>
  Promise.all(pages.map((page) => page.evaluate(() => document.visibilityState)));

/** Starts a 100 ms interval in the page and returns the gaps between its ticks seen so far. */
async function startTimerProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const ticks: number[] = [];
    (window as unknown as { timerProbe: number[] }).timerProbe = ticks;
    setInterval(() => ticks.push(performance.now()), 100);
  });
}

async function timerGaps(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const ticks = (window as unknown as { timerProbe: number[] }).timerProbe;
    return ticks.slice(1).map((tick, index) => tick - (ticks[index] as number));
  });
}

test('in really hidden, throttled tabs a leader keeps its role and followers still fail over', async ({
  raw,
  signaling,
}, testInfo) => {
  const front = raw.context.pages()[0] ?? (await raw.context.newPage());
  const pages = await openTabs(raw.context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 3);
  const before = await expectOneLeader(pages);
  const leaderPage = pages[before.leaderIndex]!;

  // Bring another (blank) tab to the front: every tab of the room is now a background tab.
  await front.bringToFront();
  await expect.poll(() => visibility(pages)).toEqual(['hidden', 'hidden', 'hidden']);

  // ...and really throttled: Chromium runs a hidden page's 100 ms interval about once a second.
  await startTimerProbe(leaderPage);
  await expect.poll(async () => (await timerGaps(leaderPage)).length, { timeout: 15_000 }).toBeGreaterThan(3);
  const gaps = await timerGaps(leaderPage);
  expect(
    Math.min(...gaps.slice(1)),
    `hidden-tab timer gaps ${gaps.map(Math.round).join(', ')} ms`,
  ).toBeGreaterThan(500);

  // The hidden leader keeps leading for several alive-thresholds: its heartbeat is not throttled away.
  await expectLeadershipHolds(pages, before, 5 * aliveThresholdMs);

  // Hidden followers still notice a crashed leader and elect another.
  const { survivors } = await crashLeaderAndAgree(
    testInfo,
    pages,
    before,
    'hidden leader crashed to all hidden tabs following a new leader',
  );
  expect(await visibility(survivors)).toEqual(['hidden', 'hidden']);
});
