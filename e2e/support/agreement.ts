import { expect } from '@playwright/test';
import { type DashboardTab, readTabs, type TabState } from './dashboard';

/** The leadership every tab agrees on. */
export interface Agreement {
  readonly leaderId: string;
  readonly term: number;
  /** Index of the leader's tab in the pages given. */
  readonly leaderIndex: number;
}

export interface JudgeOptions {
  /**
   * Require every tab to be linked to every other (and to nothing else). Default true; off after a crash,
   * while the dead tab's data channels may still count as open.
   */
  readonly fullMesh?: boolean;
}

/**
 * Whether the tabs agree: all rendered, each linked to every other (full mesh), exactly one `leader`,
 * every tab showing that leader's id and the same term. Returns the agreement, or why there is none.
 */
export function judge(
  states: readonly (TabState | undefined)[],
  options: JudgeOptions = {},
): Agreement | string {
  const missing = states.indexOf(undefined);
  if (missing >= 0) return `tab ${missing} has not joined`;
  const tabs = states as readonly TabState[];
  const unlinked = tabs.findIndex((tab) => tab.peerCount !== tabs.length - 1);
  if ((options.fullMesh ?? true) && unlinked >= 0) {
    return `tab ${unlinked} links ${tabs[unlinked]?.peerCount} of ${tabs.length - 1} peers`;
  }
  const odd = tabs.findIndex((tab) => tab.role !== 'leader' && tab.role !== 'follower');
  if (odd >= 0) return `tab ${odd} shows role "${tabs[odd]?.role}"`;
  const leaders = tabs.flatMap((tab, index) => (tab.role === 'leader' ? [index] : []));
  if (leaders.length !== 1) return `${leaders.length} leaders (tabs ${leaders.join(', ')})`;
  const leaderIndex = leaders[0] as number;
  const leader = tabs[leaderIndex] as TabState;
  const disagreeing = tabs.findIndex((tab) => tab.leaderId !== leader.selfId || tab.term !== leader.term);
  if (disagreeing >= 0) {
    const tab = tabs[disagreeing] as TabState;
    return `tab ${disagreeing} follows "${tab.leaderId}" term ${tab.term}, leader is ${leader.selfId} term ${leader.term}`;
  }
  if (leader.term < 1) return `term is ${leader.term}`;
  return { leaderId: leader.selfId, term: leader.term, leaderIndex };
}

/** Polls the tabs' dashboards until they agree on one leader (see {@link judge}); returns the agreement. */
export async function expectOneLeader(
  pages: readonly DashboardTab[],
  options: JudgeOptions & { readonly timeout?: number } = {},
): Promise<Agreement> {
  let agreed: Agreement | undefined;
  await expect
    .poll(
      async () => {
        const verdict = judge(await readTabs(pages), options);
        if (typeof verdict === 'string') return verdict;
        agreed = verdict;
        return 'agreed';
      },
      {
        message: `${pages.length} tabs agree on exactly one leader`,
        intervals: [100, 250],
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      },
    )
    .toBe('agreed');
  return agreed as Agreement;
}

/**
 * Watches the tabs for `forMs` (by polling, at least every 250 ms) and fails if they ever stop agreeing on
 * `expected`: another leader, another term, a second leader. Returns how many observations it made.
 */
export async function expectLeadershipHolds(
  pages: readonly DashboardTab[],
  expected: Agreement,
  forMs: number,
): Promise<number> {
  return expectVerdictHolds(async () => judge(await readTabs(pages)), expected, forMs, 250);
}

/**
 * Polls `observe` every `intervalMs` for `forMs` and fails if a verdict was ever a deviation (a string) or
 * another leadership than `expected`. Returns how many observations it made.
 */
export async function expectVerdictHolds(
  observe: () => Promise<string | { readonly leaderId: string; readonly term: number }>,
  expected: { readonly leaderId: string; readonly term: number },
  forMs: number,
  intervalMs: number,
): Promise<number> {
  const startedAt = Date.now();
  const deviations: string[] = [];
  let observations = 0;
  await expect
    .poll(
      async () => {
        const verdict = await observe();
        observations++;
        if (typeof verdict === 'string') deviations.push(verdict);
        else if (verdict.leaderId !== expected.leaderId || verdict.term !== expected.term) {
          deviations.push(`leader ${verdict.leaderId} term ${verdict.term}`);
        }
        return Date.now() - startedAt;
      },
      { message: `leadership holds for ${forMs} ms`, intervals: [intervalMs], timeout: forMs + 15_000 },
    )
    .toBeGreaterThanOrEqual(forMs);
  expect(deviations, `leader ${expected.leaderId} term ${expected.term} held throughout`).toEqual([]);
  return observations;
}
