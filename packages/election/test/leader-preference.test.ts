import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  browserDefaults,
  decidePreference,
  type Election,
  type PeerId,
  VisibleLeaderPreference,
} from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';
import { ids } from './helpers';

const hiddenForMs = 5_000;

describe('decidePreference', () => {
  const facts = { now: 10_000, leadingSince: 0, hiddenSince: 2_000, visiblePeers: ['c', 'b'], hiddenForMs };
  it.each([
    ['a visible leader keeps the role', { hiddenSince: undefined }, { action: 'none' }],
    ['a follower does nothing', { leadingSince: undefined }, { action: 'none' }],
    [
      'a leader hidden for less than the threshold waits for it',
      { hiddenSince: 6_000 },
      { action: 'wait', at: 11_000 },
    ],
    [
      'the wait counts from the later of leading and hiding',
      { leadingSince: 7_000 },
      { action: 'wait', at: 12_000 },
    ],
    ['hidden long enough: hand over to the lowest visible id', {}, { action: 'hand-over', to: 'b' }],
    ['no visible peer: keep the role', { visiblePeers: [] }, { action: 'none' }],
  ])('%s', (_name, change, decision) => {
    expect(decidePreference({ ...facts, ...change })).toEqual(decision);
  });
});

interface Yielded {
  readonly at: number;
  readonly from: PeerId;
  readonly to: PeerId;
  readonly fromVisible: boolean;
  readonly toVisible: boolean;
}

/** A room of `peers` whose pages turn visible and hidden on `flips`; each peer applies the preference. */
function simulate(peers: PeerId[], initiallyVisible: boolean[], flips: { at: number; peer: number }[]) {
  const config = browserDefaults;
  const c = new SimulatedCluster({ seed: 3, config, latency: { min: 1, max: 15 }, jitter: 5 });
  const visible = new Map(peers.map((id, i) => [id, initiallyVisible[i] ?? false]));
  const yielded: Yielded[] = [];
  c.startAll(peers);
  const preferences = peers.map((id) => {
    const election = c.election(id);
    // Records every hand-over the preference asks for, with who was visible at that moment.
    const recording: Election = Object.assign(Object.create(election) as Election, {
      yield: (to?: PeerId) => {
        if (to !== undefined)
          yielded.push({
            at: c.clock.now(),
            from: id,
            to,
            fromVisible: visible.get(id) === true,
            toVisible: visible.get(to) === true,
          });
        election.yield(to);
      },
    });
    return new VisibleLeaderPreference(
      recording,
      c.clock,
      {
        selfVisible: () => visible.get(id) === true,
        visiblePeers: () => peers.filter((peer) => peer !== id && visible.get(peer) === true),
      },
      hiddenForMs,
    );
  });
  for (const flip of flips) {
    c.clock.schedule(flip.at, () => {
      const id = peers[flip.peer] as PeerId;
      visible.set(id, !visible.get(id));
      for (const preference of preferences) preference.changed();
    });
  }
  return { c, visible, yielded, config };
}

describe('leader preference "visible" in the simulator', () => {
  const peers = ids(5);

  it('a hidden leader hands over to the lowest visible peer after the threshold, once', () => {
    // p01 leads (lowest id) and is hidden; p03 and p04 are visible.
    const { c, yielded } = simulate(peers, [false, false, true, true, false], []);
    c.run(browserDefaults.startupGracePeriod + 2 * browserDefaults.leaderAliveThreshold);
    expect(c.leaders()).toEqual(['p01']);
    c.run(hiddenForMs);
    expect(c.runUntilConverged(3 * browserDefaults.leaderAliveThreshold)).toBeDefined();
    expect(c.leaders()).toEqual(['p03']);
    c.run(10 * hiddenForMs);
    expect(yielded.map(({ from, to }) => `${from}→${to}`)).toEqual(['p01→p03']);
    expect(c.leaders()).toEqual(['p03']);
  });

  it('under random visibility changes: hand-overs only from a hidden leader to a visible peer, at least the threshold apart, and a visible leader at the end', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        fc.array(
          fc.record({ at: fc.integer({ min: 0, max: 40_000 }), peer: fc.integer({ min: 0, max: 4 }) }),
          {
            maxLength: 30,
          },
        ),
        (initial, flips) => {
          const { c, visible, yielded } = simulate(peers, initial, flips);
          c.run(40_000);
          // Settle: from here nobody's visibility changes.
          c.run(hiddenForMs + 4 * browserDefaults.leaderAliveThreshold);
          for (const hand of yielded) {
            expect(hand.fromVisible, `${hand.from} was visible at ${hand.at}`).toBe(false);
            expect(hand.toVisible, `${hand.to} was hidden at ${hand.at}`).toBe(true);
          }
          for (let i = 1; i < yielded.length; i++) {
            const gap = (yielded[i] as Yielded).at - (yielded[i - 1] as Yielded).at;
            expect(gap, 'two hand-overs closer than the threshold').toBeGreaterThanOrEqual(hiddenForMs);
          }
          expect(c.convergence().problems).toEqual([]);
          const [leader] = c.leaders();
          const anyVisible = peers.some((id) => visible.get(id) === true);
          if (anyVisible) expect(visible.get(leader as PeerId), `${leader} leads while hidden`).toBe(true);
        },
      ),
      { numRuns: Number(process.env.ELECTION_PROPERTY_RUNS_FACTOR ?? 1) * 60 },
    );
  });
});
