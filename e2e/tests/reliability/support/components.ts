import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { expectVerdictHolds } from '../../../support/agreement';
import { type RoomState, readRooms } from './room-probe';

/** The leadership one group of tabs agrees on. */
export interface GroupAgreement {
  readonly leaderId: string;
  readonly term: number;
  /** Index (into the pages given) of the leader's tab. */
  readonly leaderIndex: number;
}

/**
 * Whether the tabs of one group (indexes into `states`) agree: all joined; with `exactViews`, each sees
 * exactly the other members (so a partition or a heal has taken effect); exactly one of them leads; every
 * member follows it under its term. Returns the agreement, or why there is none.
 */
export function judgeGroup(
  states: readonly (RoomState | undefined)[],
  group: readonly number[],
  exactViews: boolean,
): GroupAgreement | string {
  const members = group.map((index) => states[index]);
  const missing = members.indexOf(undefined);
  if (missing >= 0) return `tab ${group[missing]} has not joined`;
  const tabs = members as RoomState[];
  if (exactViews) {
    const ids = tabs.map((tab) => tab.selfId);
    for (const [i, tab] of tabs.entries()) {
      const expected = ids.filter((id) => id !== tab.selfId).sort();
      if (tab.view.join() !== expected.join())
        return `tab ${group[i]} sees ${tab.view.length} peers, not its group`;
    }
  }
  const leaders = group.filter((_, i) => tabs[i]!.role === 'leader');
  if (leaders.length !== 1)
    return `group [${group.join()}] has ${leaders.length} leaders (tabs ${leaders.join()})`;
  const leaderIndex = leaders[0]!;
  const leader = states[leaderIndex]!;
  for (const [i, tab] of tabs.entries()) {
    if (tab.leaderId !== leader.selfId || tab.term !== leader.term) {
      return `tab ${group[i]} follows "${tab.leaderId}" term ${tab.term}; tab ${leaderIndex} leads term ${leader.term}`;
    }
  }
  if (leader.term < 1) return `term is ${leader.term}`;
  return { leaderId: leader.selfId, term: leader.term, leaderIndex };
}

/** Every group agrees (see {@link judgeGroup}); the agreements in group order, or the first disagreement. */
export function judgeGroups(
  states: readonly (RoomState | undefined)[],
  groups: readonly (readonly number[])[],
  exactViews: boolean,
): GroupAgreement[] | string {
  const agreements: GroupAgreement[] = [];
  for (const group of groups) {
    const verdict = judgeGroup(states, group, exactViews);
    if (typeof verdict === 'string') return verdict;
    agreements.push(verdict);
  }
  return agreements;
}

export interface ExpectGroupsOptions {
  /** Require each tab's view to be exactly its group (default true; off after a crash). */
  readonly exactViews?: boolean;
  readonly timeout?: number;
}

/** Polls until every group agrees on exactly one leader of its own (see {@link judgeGroup}). */
export async function expectGroupLeaders(
  pages: readonly Page[],
  groups: readonly (readonly number[])[],
  options: ExpectGroupsOptions = {},
): Promise<GroupAgreement[]> {
  let agreed: GroupAgreement[] = [];
  await expect
    .poll(
      async () => {
        const verdict = judgeGroups(await readRooms(pages), groups, options.exactViews ?? true);
        if (typeof verdict === 'string') return verdict;
        agreed = verdict;
        return 'agreed';
      },
      {
        message: `groups ${JSON.stringify(groups)} each agree on one leader`,
        intervals: [100, 100, 250],
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      },
    )
    .toBe('agreed');
  return agreed;
}

/** All tabs form one group: polls until they agree on one leader. */
export async function expectAllAgree(
  pages: readonly Page[],
  options: ExpectGroupsOptions = {},
): Promise<GroupAgreement> {
  const [agreement] = await expectGroupLeaders(pages, [pages.map((_, index) => index)], options);
  return agreement!;
}

/**
 * Watches the tabs for `forMs` (polling every 100 ms) and fails if the group ever stops agreeing on
 * `expected` (another leader, another term, a second leader). Returns how many observations it made.
 */
export async function expectGroupHolds(
  pages: readonly Page[],
  expected: Pick<GroupAgreement, 'leaderId' | 'term'>,
  forMs: number,
  options: { readonly exactViews?: boolean } = {},
): Promise<number> {
  const group = pages.map((_, index) => index);
  return expectVerdictHolds(
    async () => judgeGroup(await readRooms(pages), group, options.exactViews ?? false),
    expected,
    forMs,
    100,
  );
}
