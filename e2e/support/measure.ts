import type { Page, TestInfo } from '@playwright/test';

/** Records a measured duration: as a test annotation (HTML report) and on stdout (list reporter). */
export function recordDuration(testInfo: TestInfo, what: string, ms: number): void {
  const description = `${what}: ${Math.round(ms)} ms`;
  testInfo.annotations.push({ type: 'measured', description });
  console.log(`  measured — ${description}`);
}

/** Records a fact about what a run covered: as an annotation and on stdout. */
export function recordNote(testInfo: TestInfo, type: string, description: string): void {
  testInfo.annotations.push({ type, description });
  console.log(`  ${type} — ${description}`);
}

/**
 * When the last of `pages` came to follow (or be) `leaderId`, by the pages' own timelines (wall-clock ms,
 * the same clock as the test's `Date.now()` on this machine): more precise than when a poll noticed.
 * Undefined when a page has no such event (then measure with the poll instead).
 */
export async function agreedAt(pages: readonly Page[], leaderId: string): Promise<number | undefined> {
  const times = await Promise.all(
    pages.map((page) =>
      page.evaluate((leader) => {
        // The dashboard's `?test=1` hook: the joined Room (only the part read here is typed).
        type TimelineEvent = { source: string; type: string; leaderId?: string; at: number };
        const room = (window as { conclave?: { snapshot(): { events: readonly TimelineEvent[] } } }).conclave;
        const events = room?.snapshot().events ?? [];
        const learned = events.filter(
          (event) =>
            event.source === 'election' &&
            event.leaderId === leader &&
            (event.type === 'leadership-gained' || event.type === 'leader-changed'),
        );
        return learned.at(-1)?.at;
      }, leaderId),
    ),
  );
  return times.some((time) => time === undefined) ? undefined : Math.max(...(times as number[]));
}

/**
 * Records how long it took from `since` until every page followed `leaderId` (see {@link agreedAt});
 * returns that moment.
 */
export async function recordAgreement(
  testInfo: TestInfo,
  what: string,
  pages: readonly Page[],
  leaderId: string,
  since: number,
): Promise<number> {
  const at = (await agreedAt(pages, leaderId)) ?? Date.now();
  recordDuration(testInfo, what, at - since);
  return at;
}
