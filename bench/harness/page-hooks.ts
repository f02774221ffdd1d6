import type { Tab } from './tab-tracker';

/** A tab the harness can still read: not closed, not crashed (a tab cut off from the room still answers). */
export function readable(tab: Tab): boolean {
  return !tab.crashed && !tab.page.isClosed();
}

/** Reads the page's own timeline or counters; a page too busy to answer within 5 s gets a note instead. */
export function readFromPage(tab: Tab, what: 'timeline' | 'stats' | 'sends' | 'startup'): Promise<unknown> {
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 5 s'), 5_000));
  const read = tab.page
    .evaluate((key) => window.bench?.[key]?.(), what)
    .catch((error: unknown) => String(error));
  return Promise.race([read, timeout]);
}

/**
 * Makes `tab` drop everything from `peers` and each of `others` drop everything from `tabId`, all at once
 * (the page hook `isolate`, present with `?faults=1`). Resolves with when the last tab applied it (epoch ms),
 * or undefined when a page has no hook.
 */
export async function isolateFromEachOther(
  tab: Tab,
  peers: readonly string[],
  others: readonly Tab[],
  tabId: string,
): Promise<number | undefined> {
  const applied = await Promise.all([
    tab.page.evaluate((ids) => window.bench?.isolate?.(ids), [...peers]),
    ...others.map((other) => other.page.evaluate((id) => window.bench?.isolate?.([id]), tabId)),
  ]);
  let last = Number.NEGATIVE_INFINITY;
  for (const at of applied) {
    if (at === undefined) return undefined;
    last = Math.max(last, at);
  }
  return last;
}
