import type { TestInfo } from '@playwright/test';
import { expectOneLeader } from '../support/agreement';
import { recordDuration, recordNote } from '../support/measure';
import {
  type CounterLogEntry,
  counterEvidence,
  countingFaults,
  expectCounterReaches,
  linkOpenedAt,
  readCounter,
  readCounterLog,
} from '../support/shared-counter';
import { clickButton, openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';

/** The dashboard's demo counts every 500 ms (apps/web/src/shared-counter.ts). */
const tickMs = 500;
/** Counts each phase waits for: a few ticks show the counter runs under the new leader. */
const ticksPerPhase = 3;

test('the leader’s counter runs on, without a gap or a double count, through a yield and a closed leader tab', async ({
  context,
  signaling,
}, testInfo) => {
  const url = roomUrl(signaling.url, uniqueRoom(testInfo.title));
  const pages = await openTabs(context, url, 3);

  // Every tab sees the first leader's count advance.
  const first = await expectOneLeader(pages);
  let reached = await expectCounterReaches(pages, ticksPerPhase, first.term);

  // Hand-over mid-task by Yield: the next leader continues from the value held.
  const yielder = pages[first.leaderIndex]!;
  await clickButton(yielder, 'yield');
  const second = await expectOneLeader(pages);
  expect(second.term).toBeGreaterThan(first.term);
  reached = await expectCounterReaches(pages, reached + ticksPerPhase, second.term);

  // Hand-over by closing the leader's tab (pagehide: a graceful leave).
  const closing = pages[second.leaderIndex]!;
  const survivors = pages.filter((page) => page !== closing);
  await closing.close();
  const third = await expectOneLeader(survivors);
  expect(third.term).toBeGreaterThan(second.term);
  reached = await expectCounterReaches(survivors, reached + ticksPerPhase, third.term);

  // The tabs that stayed throughout saw every count once, under terms that never went back, across both
  // hand-overs. (Tabs opened one after another may each lead alone for a moment before their links open —
  // no quorums: a partition, not a hand-over — and count on their own; the claim starts at the leadership
  // all three agreed on.)
  for (const [index, page] of survivors.entries()) {
    await testInfo.attach(`tab ${index}: counter log and timeline`, {
      body: await counterEvidence(page),
      contentType: 'application/json',
    });
    const log = sinceTerm(await readCounterLog(page), first.term, testInfo, `tab ${index}`);
    expect(countingFaults(log), 'a gap or a double count, or a term going back').toEqual([]);
    const terms = [...new Set(log.map((entry) => entry.term))];
    expect(terms, 'the count crossed both hand-overs').toEqual(
      expect.arrayContaining([first.term, second.term, third.term]),
    );
  }

  // A late joiner shows the current value as soon as it links with the leader, not a tick later.
  const [late] = await openTabs(context, url, 1);
  await expect
    .poll(async () => (await readCounter(late!)).value, {
      message: 'the late tab shows the counter',
      intervals: [50],
    })
    .toBeGreaterThanOrEqual(reached);
  const [lateFirst] = sinceTerm(await readCounterLog(late!), third.term, testInfo, 'the late tab');
  const linkedAt = await linkOpenedAt(late!, third.leaderId);
  expect(lateFirst?.value).toBeGreaterThanOrEqual(reached); // never an older value
  expect(linkedAt, 'the late tab linked with the leader').toBeDefined();
  const waited = lateFirst!.at - linkedAt!;
  recordDuration(testInfo, 'late tab: link with the leader open to the counter value accepted', waited);
  expect(waited).toBeLessThan(tickMs);
  await expectOneLeader([...survivors, late!]);
  await testInfo.attach('late tab: counter log and timeline', {
    body: await counterEvidence(late!),
    contentType: 'application/json',
  });
  const lateLog = sinceTerm(await readCounterLog(late!), third.term, testInfo, 'the late tab');
  expect(countingFaults(lateLog)).toEqual([]);
});

/**
 * The entries from the first one of `term` or later on; notes it when a tab saw values of an older leadership
 * first (one it followed or held alone before the tabs met).
 */
function sinceTerm(
  log: readonly CounterLogEntry[],
  term: number,
  testInfo: TestInfo,
  tab: string,
): CounterLogEntry[] {
  const start = log.findIndex((entry) => entry.term >= term);
  if (start < 0) return [];
  if (start > 0) {
    const before = log.slice(0, start).map((entry) => `${entry.value} (term ${entry.term})`);
    recordNote(testInfo, 'before the tabs met', `${tab} first saw ${before.join(', ')}`);
  }
  return log.slice(start);
}

test('callLeader from a follower’s button: the leader answers with its id and term', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 2);
  const agreed = await expectOneLeader(pages);
  const follower = pages[1 - agreed.leaderIndex]!;
  await clickButton(follower, 'whoami');
  await expect(follower.getByTestId('whoami-answer')).toHaveAttribute('data-state', 'answered');
  await expect(follower.getByTestId('whoami-id')).toHaveText(agreed.leaderId);
  await expect(follower.getByTestId('whoami-answer')).toContainText(`term ${agreed.term}`);
});
