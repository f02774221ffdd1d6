/** What the agreement check needs to know about one live tab. */
export interface TabView {
  readonly selfId: string | undefined;
  readonly leaderId: string | undefined;
  /** Epoch ms (page clock) at which this tab started following `leaderId`. */
  readonly leaderSince: number;
}

export interface Agreement {
  readonly leaderId: string;
  /** Epoch ms at which the last tab adopted the common leader: the moment the room agreed. */
  readonly at: number;
}

/**
 * The room agrees when every live tab follows the same leader and that leader is one of the live tabs (a
 * room still following a crashed or closed leader does not agree). `excluded` leaders never count.
 */
export function agreement(
  tabs: readonly TabView[],
  excluded: ReadonlySet<string> = new Set(),
): Agreement | undefined {
  const first = tabs[0];
  const leaderId = first?.leaderId;
  if (leaderId === undefined || excluded.has(leaderId)) return undefined;
  if (!tabs.some((tab) => tab.selfId === leaderId)) return undefined;
  let at = Number.NEGATIVE_INFINITY;
  for (const tab of tabs) {
    if (tab.leaderId !== leaderId) return undefined;
    at = Math.max(at, tab.leaderSince);
  }
  return { leaderId, at };
}
