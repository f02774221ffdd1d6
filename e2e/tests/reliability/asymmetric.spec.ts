import { compareIds } from '@conclave/election';
import type { Page } from '@playwright/test';
import { openTabs, roomUrl, uniqueRoom } from '../../support/tabs';
import { expect, test } from '../../support/test';
import { aliveThresholdMs } from '../../support/timing';
import { expectAllAgree, expectGroupHolds, judgeGroup } from './support/components';
import { deafTo, healAll } from './support/faults';
import { recordOutcome } from './support/outcome';
import { type ConclaveWindow, type RoomState, readRooms, selfIds } from './support/room-probe';

/**
 * Asymmetric loss: tab A drops everything from tab B (`deafTo`), B still hears A, every other pair is fine.
 * All tabs stay one connected component, yet A can no longer hear B: Fabric's election promises nothing
 * here, and no election can without relaying (A cannot learn what B says). What we check is what keeps the
 * room safe, once the room has been quiet (no change at all) for 3 × T:
 *
 * - either all four tabs agree on one leader and one term;
 * - or the tabs that hear everyone (all but A) agree on one leader and one term τ, and A leads itself
 *   under a term below τ: a stale leadership that nobody follows and that term fencing rejects (so there is
 *   still at most one leadership per term, and the one with the highest term is unique);
 * - and nothing changes for 3 × T (no livelock of rising terms, no flapping).
 */
const quietMs = 3 * aliveThresholdMs;
/** How long the room may take to reach that quiet state. */
const settleTimeoutMs = 30_000;

interface SafeState {
  readonly leaderId: string;
  readonly term: number;
  /** A leads itself under a stale term (the second case above). */
  readonly deafLeads: boolean;
}

/** Why the room is not in one of the safe states above, or the state. */
function judgeAsymmetric(states: readonly (RoomState | undefined)[], deaf: number): SafeState | string {
  const everyone = judgeGroup(
    states,
    states.map((_, index) => index),
    false,
  );
  if (typeof everyone !== 'string')
    return { leaderId: everyone.leaderId, term: everyone.term, deafLeads: false };
  const hearing = states.map((_, index) => index).filter((index) => index !== deaf);
  const verdict = judgeGroup(states, hearing, false);
  if (typeof verdict === 'string') return verdict;
  const a = states[deaf];
  if (a === undefined) return 'the deaf tab has not joined';
  if (a.role !== 'leader' || a.term >= verdict.term) {
    return `deaf tab is ${a.role} of "${a.leaderId}" term ${a.term}; the others follow term ${verdict.term}`;
  }
  return { leaderId: verdict.leaderId, term: verdict.term, deafLeads: true };
}

/**
 * Polls until the room has shown one and the same safe state (see {@link judgeAsymmetric}), with every tab's
 * role, leader and term unchanged, for `quietMs` in a row; returns that state.
 */
async function expectQuietAndSafe(pages: readonly Page[], deaf: number): Promise<SafeState> {
  let last = '';
  let since = Date.now();
  let settled: SafeState | undefined;
  await expect
    .poll(
      async () => {
        const states = await readRooms(pages);
        const picture = JSON.stringify(states.map((s) => [s?.role, s?.leaderId, s?.term]));
        if (picture !== last) {
          last = picture;
          since = Date.now();
        }
        const verdict = judgeAsymmetric(states, deaf);
        if (typeof verdict === 'string') return verdict;
        settled = verdict;
        return Date.now() - since >= quietMs ? 'quiet and safe' : 'safe, not quiet yet';
      },
      { message: `safe and unchanged for ${quietMs} ms`, intervals: [100], timeout: settleTimeoutMs },
    )
    .toBe('quiet and safe');
  return settled!;
}

/**
 * A follower whose id is `relation` than the leader's (the lowest id wins contests, so the two cases differ),
 * with the agreement it follows. If none exists, the leader yields (its successor is the lowest id it sees),
 * which creates one.
 */
async function followerWithId(pages: readonly Page[], relation: 'higher' | 'lower') {
  for (let attempt = 0; attempt < 2; attempt++) {
    const agreement = await expectAllAgree(pages);
    const states = await readRooms(pages);
    const index = states.findIndex(
      (state) =>
        state !== undefined &&
        state.role === 'follower' &&
        (relation === 'higher'
          ? compareIds(state.selfId, agreement.leaderId) > 0
          : compareIds(state.selfId, agreement.leaderId) < 0),
    );
    if (index >= 0) return { agreement, deaf: index };
    await pages[agreement.leaderIndex]!.evaluate(() => (window as ConclaveWindow).conclave?.yield());
  }
  throw new Error(`no follower with a ${relation} id than the leader's`);
}

for (const relation of ['higher', 'lower'] as const) {
  test(`asymmetric loss (a follower with a ${relation} id stops hearing the leader): one followed leader, fenced by term`, async ({
    context,
    signaling,
  }, testInfo) => {
    const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 4);
    const { agreement: before, deaf } = await followerWithId(pages, relation);
    const deafId = (await selfIds(pages))[deaf]!;

    await deafTo(pages[deaf]!, before.leaderId);
    const safe = await expectQuietAndSafe(pages, deaf);
    recordOutcome(
      testInfo,
      safe.deafLeads
        ? `the deaf tab leads itself under a stale term, followed by nobody; the others follow ${
            safe.leaderId === before.leaderId ? 'the old leader' : 'a new leader'
          } under term ${safe.term}`
        : safe.leaderId === deafId
          ? `the deaf tab became everyone's leader (the old one heard it and stepped down) under term ${safe.term}`
          : `all four follow ${safe.leaderId === before.leaderId ? 'the old' : 'a new'} leader under term ${safe.term}`,
    );
    // The documented outcome for each id order (README, reliability): a deaf tab with a higher id leads
    // itself under a stale term that nobody follows; one with a lower id wins the contest and everyone follows.
    if (relation === 'higher')
      expect(safe.deafLeads, 'the deaf tab leads itself, followed by nobody').toBe(true);
    else
      expect({ deafLeads: safe.deafLeads, leaderId: safe.leaderId }).toEqual({
        deafLeads: false,
        leaderId: deafId,
      });

    await healAll(pages);
    const healed = await expectAllAgree(pages);
    expect(healed.term).toBeGreaterThanOrEqual(safe.term);
    await expectGroupHolds(pages, healed, 2 * aliveThresholdMs, { exactViews: true });
  });
}
