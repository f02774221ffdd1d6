import type { Page } from '@playwright/test';
import { expectOneLeader, judge } from '../support/agreement';
import { readTabs } from '../support/dashboard';
import { rawTest } from '../support/raw-chromium';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect } from '../support/test';
import { lastGainReason } from './reliability/support/room-probe';

/** Tabs in one window of a Chromium without Playwright's focus emulation (see raw-chromium.ts). */
const test = rawTest;

const hiddenLeaderMs = 1_500;

async function visibility(page: Page): Promise<string> {
  return page.evaluate(() => document.visibilityState);
}

/** A poll of the agreed leader's index among `pages`, or why there is no agreement. */
function leaderIndex(pages: readonly Page[]): () => Promise<number | string> {
  return async () => {
    const verdict = judge(await readTabs(pages));
    return typeof verdict === 'string' ? verdict : verdict.leaderIndex;
  };
}

test("leaderPreference 'visible': a leader whose tab goes to the background hands over to the tab in front, and again when the user switches", async ({
  raw,
  signaling,
}, testInfo) => {
  const url = `${roomUrl(signaling.url, uniqueRoom(testInfo.title))}&leaderPreference=visible&hiddenLeaderMs=${hiddenLeaderMs}`;
  const pages = await openTabs(raw.context, url, 3);
  // Only the last tab opened is in front. Wherever the election put the leader, the preference moves it there;
  // waiting for that makes each step below start from a visible leader, so the threshold counts from the
  // moment the test hides it (a leader hidden since it was elected could hand over sooner after that moment).
  const opened = pages.length - 1;
  await expect.poll(() => visibility(pages[opened]!)).toBe('visible');
  await expect
    .poll(leaderIndex(pages), { message: 'the tab in front leads', timeout: 4 * hiddenLeaderMs + 10_000 })
    .toBe(opened);
  const before = await expectOneLeader(pages);

  // Put a tab other than the leader in front: the leader is now hidden, and the front tab the only visible one.
  for (const front of [pages.findIndex((_, index) => index !== before.leaderIndex), before.leaderIndex]) {
    const current = await expectOneLeader(pages);
    const target = front === current.leaderIndex ? (front + 1) % pages.length : front;
    await pages[target]!.bringToFront();
    await expect.poll(() => visibility(pages[target]!)).toBe('visible');
    expect(await visibility(pages[current.leaderIndex]!)).toBe('hidden');
    const movedAt = Date.now();
    await expect
      .poll(leaderIndex(pages), { message: 'the tab in front leads', timeout: 4 * hiddenLeaderMs + 5_000 })
      .toBe(target);
    const after = await expectOneLeader(pages);
    expect(after.leaderIndex).toBe(target);
    expect(after.term).toBeGreaterThan(current.term);
    expect(await lastGainReason(pages[target]!)).toBe('handover');
    // Not before the leader had been hidden for the threshold (the preference never acts on a whim).
    expect(Date.now() - movedAt).toBeGreaterThanOrEqual(hiddenLeaderMs - 200);
  }
});
