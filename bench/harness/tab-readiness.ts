import type { Contender } from './contenders';
import type { Tab } from './tab-tracker';

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

/** Where a newcomer's clock starts: its first open link (Conclave) or its load (broadcast-channel). */
export function newcomerStart(tab: Tab, contender: Contender): number | undefined {
  return readyAt(tab, contender, 1);
}
