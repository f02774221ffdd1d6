import type { Contender } from './contenders';
import type { Tab, TabTracker } from './tab-tracker';

/** Ready in Conclave's sense: every link open. broadcast-channel tabs are ready when loaded. */
export function readyAt(tab: Tab, contender: Contender, linkTarget: number): number | undefined {
  if (tab.readyAt === undefined) return undefined;
  if (!contender.meshed || linkTarget === 0) return tab.readyAt;
  let at: number | undefined;
  for (const [open, reachedAt] of tab.linksReachedAt) {
    if (open >= linkTarget && (at === undefined || reachedAt < at)) at = reachedAt;
  }
  return tab.openLinks >= linkTarget ? at : undefined;
}

/** How long a room of `tabs` tabs may take to mesh before the repetition records a timeout. */
export function meshTimeoutMs(tabs: number): number {
  return 15_000 + 1_500 * tabs;
}

/** Waits until every live tab is ready (meshed); resolves with the last tab's ready time, or a timeout. */
export function waitForMesh(tracker: TabTracker, contender: Contender, tabs: number) {
  return tracker.waitFor(() => {
    const live = tracker.live();
    let last = Number.NEGATIVE_INFINITY;
    for (const tab of live) {
      const at = readyAt(tab, contender, live.length - 1);
      if (at === undefined) return undefined;
      last = Math.max(last, at);
    }
    return last;
  }, meshTimeoutMs(tabs));
}

/** Where a newcomer's clock starts: its first open link (Conclave) or its load (broadcast-channel). */
export function newcomerStart(tab: Tab, contender: Contender): number | undefined {
  return readyAt(tab, contender, 1);
}
