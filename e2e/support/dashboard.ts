/**
 * A tab whose page this suite can read: a Playwright page, or a page of another driver (a puppeteer page
 * of Firefox) that evaluates a function without arguments the same way.
 */
export interface DashboardTab {
  evaluate<R>(pageFunction: () => R | Promise<R>): Promise<R>;
}

/** What one tab's dashboard shows, read from its `data-testid` hooks. */
export interface TabState {
  readonly selfId: string;
  /** Empty while the leader is unknown. */
  readonly leaderId: string;
  /** `leader` or `follower` (anything else is a dashboard bug and fails the agreement checks). */
  readonly role: string;
  readonly term: number;
  readonly peerCount: number;
  /** The status banner's `data-state` (connecting, alone, meshed, signaling-lost, ...). */
  readonly status: string;
}

/** Reads a tab's dashboard in one round trip; undefined until the tab has joined and rendered. */
export async function readTab(page: DashboardTab): Promise<TabState | undefined> {
  return page.evaluate(() => {
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? undefined;
    const selfId = text('self-id');
    if (selfId === undefined || selfId === '') return undefined;
    return {
      selfId,
      leaderId: text('leader-id') ?? '',
      role: text('role') ?? '',
      term: Number(text('term')),
      peerCount: Number(text('peer-count')),
      status: document.querySelector('[data-testid="status"]')?.getAttribute('data-state') ?? '',
    };
  });
}

/** Reads every tab; a crashed or closed tab reads as undefined. */
export async function readTabs(pages: readonly DashboardTab[]): Promise<(TabState | undefined)[]> {
  return Promise.all(pages.map((page) => readTab(page).catch(() => undefined)));
}
