import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { browserDefaults, type PeerId } from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';
import { fabricLike } from './schedules';

/**
 * Who leads, not only how many: Fabric breaks symmetry by id, and a sitting leader keeps its role. Loss-free
 * random schedules (latency, jitter, ids of different lengths, join times); the counts of runs follow
 * ELECTION_PROPERTY_RUNS_FACTOR like the other property tests.
 */

const { leaderAliveThreshold: T, startupGracePeriod: grace } = browserDefaults;
const factor = Number(process.env.ELECTION_PROPERTY_RUNS_FACTOR ?? 1);

/**
 * The expected winner, computed independently of the election's own compareIds (a flipped comparison there
 * must fail these tests, not move their expectations with it): the ids are ASCII, whose byte order is the
 * order of JavaScript's string comparison.
 */
const lowest = (ids: readonly PeerId[]): PeerId => [...ids].sort()[0] as PeerId;

/** Unique hex ids of different lengths: bytes.Compare order is not numeric order. */
const idsArb = (min: number, max: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: 0xfff }), { minLength: min, maxLength: max })
    .map((ns) => ns.map((n) => n.toString(16)));

const linkArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  latencyMax: fc.integer({ min: 1, max: 40 }),
  jitter: fc.integer({ min: 0, max: 20 }),
});

describe('who leads (fast-check)', () => {
  it.each([
    ['browser defaults', {}],
    ['Fabric-like (no backoff)', fabricLike],
  ] as const)(
    '%s: after a simultaneous start with no prior leadership, the lowest id leads',
    (_name, config) => {
      fc.assert(
        fc.property(linkArb, idsArb(2, 8), ({ seed, latencyMax, jitter }, ids) => {
          const cluster = new SimulatedCluster({
            seed,
            latency: { min: 1, max: latencyMax },
            jitter,
            config,
          });
          cluster.startAll(ids);
          expect(cluster.runUntilConverged(3 * (grace + T))).toBeDefined();
          expect(cluster.leaders()).toEqual([lowest(ids)]);
          // Nobody led before it: no other peer ever gained leadership.
          for (const id of ids) {
            const gained = cluster.peer(id).events.some((e) => e.event.type === 'leadership-gained');
            expect(gained, `${id} led at some point`).toBe(id === lowest(ids));
          }
        }),
        { numRuns: factor * 100 },
      );
    },
    120_000,
  );

  it.each([
    ['browser defaults', {}],
    ['Fabric-like (no backoff)', fabricLike],
  ] as const)(
    '%s: a sitting leader is never displaced by newcomers, whatever their ids',
    (_name, config) => {
      fc.assert(
        fc.property(
          linkArb,
          idsArb(2, 9).chain((ids) =>
            fc.record({
              ids: fc.constant(ids),
              founders: fc.integer({ min: 1, max: ids.length - 1 }),
              joins: fc.array(fc.integer({ min: 0, max: 3_000 }), {
                minLength: ids.length,
                maxLength: ids.length,
              }),
            }),
          ),
          ({ seed, latencyMax, jitter }, { ids, founders, joins }) => {
            const cluster = new SimulatedCluster({
              seed,
              latency: { min: 1, max: latencyMax },
              jitter,
              config,
            });
            const first = ids.slice(0, founders);
            cluster.startAll(first);
            expect(cluster.runUntilConverged(3 * (grace + T))).toBeDefined();
            const [leader] = cluster.leaders() as [PeerId];
            const newcomers = ids.slice(founders);
            newcomers.forEach((id, i) => {
              cluster.startAt(cluster.clock.now() + (joins[i] ?? 0), id);
            });
            const end = cluster.clock.now() + 3_000 + 3 * (grace + T);
            while (cluster.clock.now() < end) {
              cluster.run(10);
              expect(cluster.leaders(), 'the sitting leader kept its role alone').toEqual([leader]);
            }
            expect(cluster.isConverged()).toBe(true);
            for (const id of newcomers) {
              expect(cluster.election(id).leaderId()).toBe(leader);
              const gained = cluster.peer(id).events.some((e) => e.event.type === 'leadership-gained');
              expect(gained, `newcomer ${id} (${id < leader ? 'lower' : 'higher'}) led`).toBe(false);
            }
          },
        ),
        { numRuns: factor * 100 },
      );
    },
    120_000,
  );

  it.each([
    ['browser defaults', {}],
    ['Fabric-like (no backoff)', fabricLike],
  ] as const)(
    '%s: when partitioned groups that each elected a leader merge, the lowest id leads',
    (_name, config) => {
      fc.assert(
        fc.property(
          linkArb,
          idsArb(2, 8).chain((ids) =>
            fc.record({
              ids: fc.constant(ids),
              groups: fc.array(fc.nat({ max: 2 }), { minLength: ids.length, maxLength: ids.length }),
              healAfter: fc.integer({ min: 0, max: 2_000 }),
            }),
          ),
          ({ seed, latencyMax, jitter }, { ids, groups, healAfter }) => {
            const cluster = new SimulatedCluster({
              seed,
              latency: { min: 1, max: latencyMax },
              jitter,
              config,
            });
            const sides: PeerId[][] = [[], [], []];
            ids.forEach((id, i) => {
              sides[groups[i] ?? 0]?.push(id);
            });
            cluster.network.partition(sides);
            cluster.startAll(ids);
            expect(cluster.runUntilConverged(3 * (grace + T))).toBeDefined();
            const leaders = sides.filter((side) => side.length > 0).map(lowest);
            expect(cluster.leaders().sort()).toEqual([...leaders].sort());
            cluster.run(healAfter);
            cluster.network.heal();
            // Fabric's merge rule: the lower id wins every contest between two leaders.
            expect(cluster.runUntilConverged(3 * (grace + T))).toBeDefined();
            expect(cluster.leaders()).toEqual([lowest(ids)]);
          },
        ),
        { numRuns: factor * 100 },
      );
    },
    120_000,
  );

  it.each([
    ['browser defaults', {}],
    ['Fabric-like (no backoff)', fabricLike],
  ] as const)(
    '%s: peers that stopped and rejoin under their ids never displace the sitting leader, the lowest included',
    (_name, config) => {
      fc.assert(
        fc.property(
          linkArb,
          idsArb(3, 8).chain((ids) =>
            fc.record({
              ids: fc.constant(ids),
              // Which peers stop (at least one stays): the lowest id, the leader, is among them half the time.
              stopping: fc
                .subarray(ids, { minLength: 1, maxLength: ids.length - 1 })
                .chain((some) => fc.constantFrom(some, [...new Set([lowest(ids), ...some.slice(1)])])),
              rejoins: fc.array(fc.integer({ min: 0, max: 3_000 }), {
                minLength: ids.length,
                maxLength: ids.length,
              }),
            }),
          ),
          ({ seed, latencyMax, jitter }, { ids, stopping, rejoins }) => {
            const cluster = new SimulatedCluster({
              seed,
              latency: { min: 1, max: latencyMax },
              jitter,
              config,
            });
            cluster.startAll(ids);
            expect(cluster.runUntilConverged(3 * (grace + T))).toBeDefined();
            for (const id of stopping) cluster.stop(id);
            const remaining = ids.filter((id) => !stopping.includes(id));
            // A leader that stops hands over to the lowest id it sees.
            expect(cluster.runUntilConverged(3 * (grace + T))).toBeDefined();
            const sitting = lowest(remaining);
            expect(cluster.leaders()).toEqual([sitting]);
            // Rejoin once the others no longer list it (a graceful leave takes one message delay).
            cluster.run(latencyMax + jitter + 1);
            stopping.forEach((id, i) => {
              expect(cluster.network.isListed(id)).toBe(false);
              cluster.startAt(cluster.clock.now() + (rejoins[i] ?? 0), id);
            });
            const end = cluster.clock.now() + 3_000 + 3 * (grace + T);
            while (cluster.clock.now() < end) {
              cluster.run(10);
              expect(cluster.leaders(), 'the sitting leader kept its role alone').toEqual([sitting]);
            }
            expect(cluster.isConverged()).toBe(true);
            for (const id of stopping) expect(cluster.election(id).leaderId()).toBe(sitting);
          },
        ),
        { numRuns: factor * 100 },
      );
    },
    120_000,
  );
});
