import type { Page, TestInfo } from '@playwright/test';
import { expect } from '@playwright/test';
import { type Agreement, expectOneLeader } from './agreement';
import { recordAgreement } from './measure';
import { crashTab } from './tabs';

/**
 * Crashes the leader's renderer (CDP `Page.crash`) and expects the other tabs to agree on a new leader
 * under a higher term; records the time from the crash to agreement under `what`. Returns the survivors
 * and their agreement; the crashed page is left for the caller to close.
 */
export async function crashLeaderAndAgree(
  testInfo: TestInfo,
  pages: readonly Page[],
  before: Agreement,
  what: string,
): Promise<{ survivors: Page[]; after: Agreement; leaderPage: Page }> {
  const leaderPage = pages[before.leaderIndex]!;
  const survivors = pages.filter((page) => page !== leaderPage);
  const crashedAt = Date.now();
  await crashTab(leaderPage);
  // A crashed tab says nothing: its data channels may look open for a while, so don't require a full mesh.
  const after = await expectOneLeader(survivors, { fullMesh: false });
  await recordAgreement(testInfo, what, survivors, after.leaderId, crashedAt);
  expect(after.leaderId).not.toBe(before.leaderId);
  expect(after.term).toBeGreaterThan(before.term);
  return { survivors, after, leaderPage };
}

/**
 * Closes the leader's tab (it leaves gracefully, handing over) and expects the others to agree on a new
 * leader under a higher term; records the time from the close to agreement under `what`.
 */
export async function closeLeaderAndAgree(
  testInfo: TestInfo,
  pages: readonly Page[],
  before: Agreement,
  what: string,
): Promise<{ survivors: Page[]; after: Agreement }> {
  const leaderPage = pages[before.leaderIndex]!;
  const survivors = pages.filter((page) => page !== leaderPage);
  const closedAt = Date.now();
  await leaderPage.close();
  const after = await expectOneLeader(survivors);
  await recordAgreement(testInfo, what, survivors, after.leaderId, closedAt);
  expect(after.leaderId).not.toBe(before.leaderId);
  expect(after.term).toBeGreaterThan(before.term);
  return { survivors, after };
}
