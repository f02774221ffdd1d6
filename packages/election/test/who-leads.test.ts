import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { browserDefaults, compareIds, type ElectionConfig, lowestId, type PeerId } from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';

/**
 * Who leads, not only how many: Fabric breaks symmetry by id, and a sitting leader keeps its role. Loss-free
 * random schedules (latency, jitter, ids of different lengths, join times); the counts of runs follow
 * ELECTION_PROPERTY_RUNS_FACTOR like the other property tests.
 */

const { leaderAliveThreshold: T, startupGracePeriod: grace } = browserDefaults;
const factor = Number(process.env.ELECTION_PROPERTY_RUNS_FACTOR ?? 1);

const fabricLike: Partial<ElectionConfig> = {
  startupGracePeriod: 1_500,
  membershipSampleInterval: 100,
  leaderAliveThreshold: 1_000,
  leaderElectionDuration: 400,
  proposalBackoff: 0,
};

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
          expect(cluster.leaders()).toEqual([lowestId(ids)]);
          // Nobody led before it: no other peer ever gained leadership.
          for (const id of ids) {
            const gained = cluster.peer(id).events.some((e) => e.event.type === 'leadership-gained');
            expect(gained, `${id} led at some point`).toBe(id === lowestId(ids));
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
              expect(gained, `newcomer ${id} (${compareIds(id, leader) < 0 ? 'lower' : 'higher'}) led`).toBe(
                false,
              );
            }
          },
        ),
        { numRuns: factor * 100 },
      );
    },
    120_000,
  );
});
