import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { DashboardTab } from './dashboard';

/** What a tab's shared counter card shows; `value`/`term` are undefined before the first value. */
export interface CounterView {
  readonly value: number | undefined;
  readonly term: number | undefined;
}

/** One entry of the dashboard's `window.conclaveCounterLog` (`?test=1`): every value the tab accepted. */
export interface CounterLogEntry {
  readonly value: number;
  readonly term: number;
  readonly version: number;
  /** When the tab accepted it (wall-clock ms, the clock of the tab's timeline events). */
  readonly at: number;
}

/** Reads a tab's shared counter card (`shared-counter`, `shared-term`). */
export async function readCounter(page: DashboardTab): Promise<CounterView> {
  return page.evaluate(() => {
    const number = (id: string) => {
      const text = document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
      return text === '' ? undefined : Number(text);
    };
    return { value: number('shared-counter'), term: number('shared-term') };
  });
}

/** Every counter value the tab accepted, in order. */
export async function readCounterLog(page: DashboardTab): Promise<CounterLogEntry[]> {
  return page.evaluate(() => (window as { conclaveCounterLog?: CounterLogEntry[] }).conclaveCounterLog ?? []);
}

/**
 * What is wrong with a tab's sequence of counter values: each must be exactly one more than the one before
 * (a gap means a lost count, a repeat a double count) and its term never lower than the one before.
 */
export function countingFaults(log: readonly CounterLogEntry[]): string[] {
  const faults: string[] = [];
  for (let i = 1; i < log.length; i++) {
    const before = log[i - 1] as CounterLogEntry;
    const entry = log[i] as CounterLogEntry;
    if (entry.value !== before.value + 1) {
      faults.push(`#${i}: ${before.value} (term ${before.term}) then ${entry.value} (term ${entry.term})`);
    }
    if (entry.term < before.term) faults.push(`#${i}: term ${before.term} then ${entry.term}`);
  }
  return faults;
}

/**
 * Polls until every tab shows a counter of at least `atLeast`, published under `term`; returns the lowest
 * value shown then.
 */
export async function expectCounterReaches(
  pages: readonly DashboardTab[],
  atLeast: number,
  term: number,
): Promise<number> {
  let lowest = 0;
  await expect
    .poll(
      async () => {
        const views = await Promise.all(pages.map(readCounter));
        const behind = views.findIndex((view) => (view.value ?? -1) < atLeast || view.term !== term);
        if (behind >= 0) return `tab ${behind} shows ${views[behind]?.value} (term ${views[behind]?.term})`;
        lowest = Math.min(...views.map((view) => view.value as number));
        return 'reached';
      },
      { message: `every tab counts to ${atLeast} under term ${term}`, intervals: [100, 250] },
    )
    .toBe('reached');
  return lowest;
}

/** When the tab's link with `peer` last opened, by its own timeline (wall-clock ms); undefined if never. */
export async function linkOpenedAt(page: Page, peer: string): Promise<number | undefined> {
  return page.evaluate((peerId) => {
    // The dashboard's `?test=1` hook: the joined Room (only the part read here is typed).
    type TimelineEvent = { source: string; type: string; peer?: string; at: number };
    const room = (window as { conclave?: { snapshot(): { events: readonly TimelineEvent[] } } }).conclave;
    const opened = (room?.snapshot().events ?? []).filter(
      (event) => event.source === 'mesh' && event.type === 'link-open' && event.peer === peerId,
    );
    return opened.at(-1)?.at;
  }, peer);
}

/** A tab's counter log and room timeline as JSON: attached to a test to explain a counting fault. */
export async function counterEvidence(page: Page): Promise<string> {
  return page.evaluate(() => {
    const room = (window as { conclave?: { selfId: string; snapshot(): { events: readonly unknown[] } } })
      .conclave;
    const log = (window as { conclaveCounterLog?: unknown[] }).conclaveCounterLog ?? [];
    return JSON.stringify({ id: room?.selfId, log, events: room?.snapshot().events ?? [] }, null, 1);
  });
}
