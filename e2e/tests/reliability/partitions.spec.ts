import type { TestInfo } from '@playwright/test';
import { recordDuration } from '../../support/measure';
import { openTabs, roomUrl, uniqueRoom } from '../../support/tabs';
import { expect, test } from '../../support/test';
import { aliveThresholdMs } from '../../support/timing';
import {
  expectAllAgree,
  expectGroupHolds,
  expectGroupLeaders,
  type GroupAgreement,
} from './support/components';
import { healAll, partition } from './support/faults';
import { recordOutcome } from './support/outcome';
import { selfIds } from './support/room-probe';

/** After a heal, the single leader must stay put this long (a livelock of rising terms would show). */
const settledMs = 2 * aliveThresholdMs;

/**
 * What a heal must give for term fencing to stay sound: the surviving leadership's term is above every
 * other side's term (their leaders' writes are now fenced off), and not below its own side's. It need not
 * rise above its own term: when the survivor already held the highest term, nothing it fenced changes.
 * Records whether the survivor rose or kept its term.
 */
function expectSurvivorOutranks(
  healed: GroupAgreement,
  sides: readonly GroupAgreement[],
  testInfo: TestInfo,
): void {
  for (const side of sides) {
    if (side.leaderId === healed.leaderId) expect(healed.term).toBeGreaterThanOrEqual(side.term);
    else expect(healed.term, `above the term of ${side.leaderId}'s side`).toBeGreaterThan(side.term);
  }
  const own = sides.find((side) => side.leaderId === healed.leaderId);
  recordOutcome(
    testInfo,
    own === undefined
      ? `a new leader under term ${healed.term}, above every side's`
      : healed.term > own.term
        ? `the survivor rose from term ${own.term} to ${healed.term}, above every side's`
        : `the survivor kept term ${healed.term}, already the highest (sides: ${sides.map((side) => side.term).join(', ')})`,
  );
}

test('a 3/3 split elects one leader per side; healing leaves one leader whose term outranks the other side', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 6);
  const before = await expectAllAgree(pages);
  const ids = await selfIds(pages);
  const groups = [
    [0, 1, 2],
    [3, 4, 5],
  ];

  const splitAt = Date.now();
  await partition(pages, ids, groups);
  const [left, right] = await expectGroupLeaders(pages, groups);
  recordDuration(testInfo, '3/3 split to one agreed leader per side', Date.now() - splitAt);
  // Exactly two leaders: one per side (judgeGroup demands one leader per group, and the groups are disjoint).
  expect(groups[0]).toContain(left!.leaderIndex);
  expect(groups[1]).toContain(right!.leaderIndex);
  // The side that kept the old leader keeps its term; the other side elected a leader above it.
  const keeper = [left!, right!].find((side) => side.leaderId === before.leaderId);
  expect(keeper, 'the old leader still leads its side').toBeDefined();
  expect(keeper!.term).toBe(before.term);
  const elected = keeper === left ? right! : left!;
  expect(elected.term).toBeGreaterThan(before.term);

  const healedAt = Date.now();
  await healAll(pages);
  const healed = await expectAllAgree(pages);
  recordDuration(testInfo, 'heal to one agreed leader', Date.now() - healedAt);
  expectSurvivorOutranks(healed, [left!, right!], testInfo);
  await expectGroupHolds(pages, healed, settledMs, { exactViews: true });
});

test('a 1/5 split with the leader alone: the five elect a new leader, the lone tab leads itself', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 6);
  const before = await expectAllAgree(pages);
  const ids = await selfIds(pages);
  const lone = [before.leaderIndex];
  const five = pages.map((_, index) => index).filter((index) => index !== before.leaderIndex);

  const splitAt = Date.now();
  await partition(pages, ids, [lone, five]);
  const [alone, rest] = await expectGroupLeaders(pages, [lone, five]);
  recordDuration(testInfo, 'leader cut off to a new agreed leader among the five', Date.now() - splitAt);
  expect(alone).toEqual(before);
  expect(rest!.leaderId).not.toBe(before.leaderId);
  expect(rest!.term).toBeGreaterThan(before.term);

  await healAll(pages);
  const healed = await expectAllAgree(pages);
  expectSurvivorOutranks(healed, [alone!, rest!], testInfo);
  await expectGroupHolds(pages, healed, settledMs, { exactViews: true });
});
