import { recordDuration } from '../../support/measure';
import { openTabs, roomUrl, uniqueRoom } from '../../support/tabs';
import { expect, test } from '../../support/test';
import { aliveThresholdMs } from '../../support/timing';
import { expectAllAgree, expectGroupHolds, expectGroupLeaders } from './support/components';
import { healAll, partition } from './support/faults';
import { selfIds } from './support/room-probe';

/** After a heal, the single leader must stay put this long (a livelock of rising terms would show). */
const settledMs = 2 * aliveThresholdMs;

test('a 3/3 split elects one leader per side; healing leaves one leader above both sides’ terms', async ({
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
  expect(healed.term).toBeGreaterThan(Math.max(left!.term, right!.term));
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
  expect(healed.term).toBeGreaterThan(Math.max(alone!.term, rest!.term));
  await expectGroupHolds(pages, healed, settledMs, { exactViews: true });
});
