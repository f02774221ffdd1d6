import type { RoomStats } from '@conclave/mesh';
import { meshLimits } from '@conclave/mesh';
import type { Page } from '@playwright/test';
import { openTabs, roomUrl, uniqueRoom } from '../../support/tabs';
import { expect, test } from '../../support/test';
import { aliveThresholdMs } from '../../support/timing';
import { expectAllAgree, expectGroupHolds } from './support/components';
import { rawSendAll } from './support/faults';
import { type ConclaveWindow, readStats, selfIds } from './support/room-probe';

/**
 * The counters a hostile message may move on the receiving tab. (Not `received`: it also counts the
 * leader's heartbeats, which arrive meanwhile.)
 */
interface Drops {
  oversize: number;
  badJson: number;
  badShape: number;
  badElection: number;
  spoofed: number;
  rateLimited: number;
  staleElection: number;
  invalidElection: number;
}

function drops(stats: RoomStats): Drops {
  const { dropped } = stats.mesh;
  return {
    oversize: dropped.oversize,
    badJson: dropped.badJson,
    badShape: dropped.badShape,
    badElection: dropped.badElection,
    spoofed: dropped.spoofed,
    rateLimited: dropped.rateLimited,
    staleElection: stats.election.staleDropped,
    invalidElection: stats.election.invalidDropped,
  };
}

function minus(after: Drops, before: Drops): Drops {
  const delta = { ...after };
  for (const key of Object.keys(delta) as (keyof Drops)[]) delta[key] = after[key] - before[key];
  return delta;
}

/** Each victim's counters, less their values in `baseline`. */
async function deltas(victims: readonly Page[], baseline: readonly Drops[]): Promise<Drops[]> {
  const now = await Promise.all(victims.map(async (page) => drops(await readStats(page))));
  return now.map((after, index) => minus(after, baseline[index]!));
}

const election = (msg: unknown) => JSON.stringify({ ch: 'election', msg });

test('bad JSON, wrong types, huge, spoofed and replayed messages from a tab are dropped and counted; the election is unaffected', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 4);
  // The attacker is the first leader: it really declared under the first term, so it can replay that.
  const first = await expectAllAgree(pages);
  const attacker = pages[first.leaderIndex]!;
  await attacker.evaluate(() => (window as ConclaveWindow).conclave?.yield());
  const before = await expectAllAgree(pages);
  expect(before.leaderId).not.toBe(first.leaderId);
  const ids = await selfIds(pages);
  const attackerId = first.leaderId;
  const victims = pages.filter((page) => page !== attacker);
  const victimIds = ids.filter((id) => id !== attackerId);
  const bystander = victimIds.find((id) => id !== before.leaderId)!;

  const hostile = {
    badJson: ['{"ch":"election","msg":', 'not json', '', '{"ch":"bye"}}'],
    badShape: [
      '42',
      'null',
      '[]',
      '"bye"',
      '{"ch":"gossip"}',
      '{"ch":"bye","extra":1}',
      '{"ch":"app"}',
      '{"ch":"links","peers":"everyone"}',
      '{"ch":"ping","n":-1}',
      '{"msg":{"type":"declaration"}}',
    ],
    badElection: [
      election(null),
      election({ type: 'declaration', sender: attackerId, term: '7' }),
      election({ type: 'declaration', sender: attackerId, term: 1.5 }),
      election({ type: 'declaration', sender: attackerId, term: 2 ** 53 }),
      election({ type: 'declaration', sender: attackerId, term: -1 }),
      election({ type: 'declaration', sender: attackerId, term: 1, extra: true }),
      election({ type: 'coronation', sender: attackerId, term: 99 }),
      election({ type: 'proposal', sender: 'x'.repeat(200), term: 1 }),
      election({ type: 'abdication', sender: attackerId }),
    ],
    oversize: [
      'x'.repeat(meshLimits.maxMessageBytes + 1),
      JSON.stringify({ ch: 'app', payload: 'y'.repeat(200_000) }),
      // Fewer UTF-16 units than the limit, more UTF-8 bytes: the byte count is what is bounded.
      JSON.stringify({ ch: 'app', payload: 'é'.repeat(meshLimits.maxMessageBytes / 2 + 8) }),
    ],
    // Claims to be someone else: the leader raising its term, the leader handing over to the attacker, a
    // bystander proposing.
    spoofed: [
      election({ type: 'declaration', sender: before.leaderId, term: before.term + 10 }),
      election({ type: 'abdication', sender: before.leaderId, term: before.term, successor: attackerId }),
      election({ type: 'proposal', sender: bystander, term: before.term + 10 }),
    ],
    // The attacker's own messages from the term it led: a replay of its old leadership.
    stale: [
      election({ type: 'declaration', sender: attackerId, term: first.term }),
      election({ type: 'abdication', sender: attackerId, term: first.term, successor: attackerId }),
    ],
  };
  const texts = Object.values(hostile).flat();

  const baseline = await Promise.all(victims.map(async (page) => drops(await readStats(page))));
  expect(await rawSendAll(attacker, victimIds, texts)).toBe(victimIds.length * texts.length);

  const expected: Drops = {
    oversize: hostile.oversize.length,
    badJson: hostile.badJson.length,
    badShape: hostile.badShape.length,
    badElection: hostile.badElection.length,
    spoofed: hostile.spoofed.length,
    rateLimited: 0,
    staleElection: hostile.stale.length,
    invalidElection: 0,
  };
  await expect
    .poll(() => deltas(victims, baseline), { message: 'every victim dropped and counted each message once' })
    .toEqual(victims.map(() => expected));

  // Nothing moved: same leader and term on every tab (the attacker included), and it holds.
  const after = await expectAllAgree(pages);
  expect({ leaderId: after.leaderId, term: after.term }).toEqual({
    leaderId: before.leaderId,
    term: before.term,
  });
  await expectGroupHolds(pages, before, 2 * aliveThresholdMs, { exactViews: true });
});

// Term exhaustion (SECURITY.md): terms are bounded by messageLimits.maxTerm (2^50) so that they stay exact. A
// member that could declare that term would leave no valid term above it and wedge the room; the election
// drops any term more than messageLimits.maxTermStep above what it knows, so the room carries on.
test('a member declaring the largest valid term cannot wedge the room once it has left', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 3);
  const before = await expectAllAgree(pages);
  const attackerIndex = before.leaderIndex === 0 ? 1 : 0;
  const attacker = pages[attackerIndex]!;
  const ids = await selfIds(pages);
  const others = pages.filter((page) => page !== attacker);
  await rawSendAll(
    attacker,
    ids.filter((_, index) => index !== attackerIndex),
    [election({ type: 'declaration', sender: ids[attackerIndex], term: 2 ** 50 })],
  );
  await attacker.close();
  await expectAllAgree(others, { timeout: 8 * aliveThresholdMs });
});

test('a flood of junk over one data channel is rate-limited per link; the election is unaffected', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 4);
  const before = await expectAllAgree(pages);
  const ids = await selfIds(pages);
  const attackerIndex = before.leaderIndex === 0 ? 1 : 0;
  const attacker = pages[attackerIndex]!;
  const victims = pages.filter((page) => page !== attacker);
  const victimIds = ids.filter((_, index) => index !== attackerIndex);
  const flood = 2_000;

  const baseline = await Promise.all(victims.map(async (page) => drops(await readStats(page))));
  const startedAt = Date.now();
  await rawSendAll(
    attacker,
    victimIds,
    Array.from({ length: flood }, (_, n) => `junk ${n}`),
  );
  const dropped = async () =>
    (await deltas(victims, baseline)).map((delta) => delta.badJson + delta.rateLimited);
  await expect
    .poll(async () => (await dropped()).every((count) => count >= flood), {
      message: 'every victim dropped the whole flood',
    })
    .toBe(true);
  const elapsedSeconds = (Date.now() - startedAt) / 1000;

  // Beyond the flood, the same bucket may refuse a few of the flooder's own well-formed messages (the
  // periodic round-trip pings): nothing else.
  for (const count of await dropped()) expect(count).toBeLessThanOrEqual(flood + 4);
  for (const delta of await deltas(victims, baseline)) {
    // Each message is either parsed (and dropped as bad JSON) or refused unparsed by the link's bucket: at
    // most the burst plus the refill over the flood's duration get parsed.
    expect(delta.rateLimited).toBeGreaterThan(0);
    expect(delta.badJson).toBeLessThanOrEqual(
      meshLimits.inboundBurst + Math.ceil(meshLimits.inboundPerSecond * elapsedSeconds),
    );
  }
  await expectGroupHolds(pages, before, 2 * aliveThresholdMs, { exactViews: true });
});
