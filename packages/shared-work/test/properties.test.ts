import type { PeerId } from '@conclave/election';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLeaderWork, isNewer, type LeaderWork, NotLeaderError, type SharedEntry } from '../src';
import { MemoryNetwork } from './support/memory-room';
import { type SimulatedPeer, SimulatedRoom } from './support/simulated-room';

afterEach(() => {
  vi.useRealTimers();
});

/** Records every entry a tab accepts for 'counter', in order. */
function record(work: LeaderWork, into: Array<SharedEntry<number>>): void {
  work.shared<number>('counter').subscribe((entry) => into.push(entry));
}

function expectIncreasing(id: PeerId, seen: ReadonlyArray<SharedEntry<number>>): void {
  for (let i = 1; i < seen.length; i++) {
    const [a, b] = [seen[i - 1]!, seen[i]!];
    if (!isNewer(b, a)) {
      throw new Error(`${id} went from (${a.term}, ${a.version}) to (${b.term}, ${b.version})`);
    }
  }
}

const ids = ['a', 'b', 'c', 'd'] as const;
const peerIndex = fc.integer({ min: 0, max: ids.length - 1 });

/** What the schedule does next, on the in-memory room where the test decides who leads. */
const step = fc.oneof(
  /** Usually the latest leader publishes (it may not know yet); sometimes a random tab tries (refused unless it leads). */
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('publish' as const),
      by: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: peerIndex }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('hand-over' as const),
      to: peerIndex,
      /** When each tab learns of it (ms): views change at different moments, as over a real network. */
      lags: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: ids.length, maxLength: ids.length }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cut' as const), a: peerIndex, b: peerIndex }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('mend' as const), a: peerIndex, b: peerIndex }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 }) }),
  },
);

describe('properties', () => {
  it('for random hand-over schedules, no tab ever accepts a value older in (term, version) than one it held, and one (term, version) is one value everywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 5, maxLength: 80, size: 'medium' }),
        /** Which sends are lost: the n-th send is lost when drops[n % length] is 0 (about one in ten). */
        fc.array(fc.nat(9), { maxLength: 200 }),
        fc.constantFrom(0, 20),
        async (steps, drops, takeoverSyncMs) => {
          vi.useFakeTimers();
          const network = new MemoryNetwork();
          network.latencyMs = 3;
          let sentCount = 0;
          network.drop = () => drops[sentCount++ % Math.max(1, drops.length)] === 0;
          const works = ids.map((id) => {
            network.add(id);
            return createLeaderWork(network.core(id), { takeoverSyncMs, onError: () => {} });
          });
          const seen = ids.map(() => [] as Array<SharedEntry<number>>);
          for (const [i, work] of works.entries()) record(work, seen[i]!);
          let term = 1;
          let latestLeader = 0;
          network.setLeader('a', term);
          for (const s of steps) {
            if (s.op === 'publish') {
              const counter = works[s.by ?? latestLeader]!.shared<number>('counter');
              try {
                counter.publish((counter.get()?.value ?? 0) + 1);
              } catch (error) {
                if (!(error instanceof NotLeaderError)) throw error;
              }
            } else if (s.op === 'hand-over') {
              term += 1;
              latestLeader = s.to;
              const leader = ids[s.to]!;
              const now = term;
              ids.forEach((id, i) => {
                setTimeout(
                  () =>
                    network.core(id).setLeadership({ isLeader: id === leader, leaderId: leader, term: now }),
                  s.lags[i],
                );
              });
            } else if (s.op === 'cut') {
              network.unlink(ids[s.a]!, ids[s.b]!);
            } else if (s.op === 'mend') {
              if (s.a !== s.b) network.link(ids[s.a]!, ids[s.b]!);
            } else {
              await vi.advanceTimersByTimeAsync(s.ms);
            }
          }
          await vi.advanceTimersByTimeAsync(1000);
          const valueAt = new Map<string, number>();
          ids.forEach((id, i) => {
            expectIncreasing(id, seen[i]!);
            expect(works[i]!.shared('counter').get()).toBe(seen[i]!.at(-1));
            for (const entry of seen[i]!) {
              const key = `${entry.term}/${entry.version}`;
              expect(valueAt.get(key) ?? entry.value).toBe(entry.value);
              valueAt.set(key, entry.value);
            }
          });
          for (const work of works) work.dispose();
          vi.useRealTimers();
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);

  it('on the real election, random yields, stops, crashes and joins: every tab counts +1 from its first value, and all end up agreeing', async () => {
    await fc.assert(
      fc.asyncProperty(schedule(false), fc.integer({ min: 1, max: 1000 }), async (steps, seed) => {
        const { room, seen } = await runOnElection(steps, seed);
        for (const [id, entries] of seen) {
          expectIncreasing(id, entries);
          const values = entries.map((e) => e.value);
          expect(values, id).toEqual(values.map((_, i) => (values[0] ?? 0) + i));
        }
        expect(await room.runUntilTrue(() => room.agreedLeader() !== undefined, 10_000)).toBe(true);
        expect(await room.runUntilTrue(() => holdSameValue(room), 1000)).toBe(true);
      }),
      { numRuns: 30 },
    );
  }, 60_000);

  it('on the real election, with partitions and heals too, no tab ever moves backwards in (term, version), and healed tabs agree', async () => {
    await fc.assert(
      fc.asyncProperty(schedule(true), fc.integer({ min: 1, max: 1000 }), async (steps, seed) => {
        const { room, seen } = await runOnElection(steps, seed);
        for (const [id, entries] of seen) expectIncreasing(id, entries);
        room.network.heal();
        expect(await room.runUntilTrue(() => room.agreedLeader() !== undefined, 10_000)).toBe(true);
        expect(await room.runUntilTrue(() => holdSameValue(room), 1000)).toBe(true);
        for (const [id, entries] of seen) expectIncreasing(id, entries);
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});

type Action =
  | { op: 'yield' }
  | { op: 'stop'; pick: number }
  | { op: 'crash'; pick: number; detectAfter: number }
  | { op: 'join' }
  | { op: 'partition'; mask: number }
  | { op: 'heal' };

/** Up to 8 actions, each followed by a wait; partitions only when asked for. */
function schedule(partitions: boolean): fc.Arbitrary<Array<{ action: Action; wait: number }>> {
  const actions: Array<fc.Arbitrary<Action>> = [
    fc.constant({ op: 'yield' as const }),
    fc.record({ op: fc.constant('stop' as const), pick: fc.nat() }),
    fc.record({ op: fc.constant('crash' as const), pick: fc.nat(), detectAfter: fc.constantFrom(0, 200) }),
    fc.constant({ op: 'join' as const }),
  ];
  if (partitions) {
    actions.push(
      fc.record({ op: fc.constant('partition' as const), mask: fc.nat() }),
      fc.constant({ op: 'heal' as const }),
    );
  }
  return fc.array(fc.record({ action: fc.oneof(...actions), wait: fc.integer({ min: 50, max: 1500 }) }), {
    minLength: 1,
    maxLength: 8,
  });
}

/** Four tabs counting on the real election, then the schedule; every tab's accepted entries, in order. */
async function runOnElection(steps: Array<{ action: Action; wait: number }>, seed: number) {
  const room = new SimulatedRoom({ seed }, {}, { takeoverSyncMs: 200, onError: () => {} });
  const seen = new Map<PeerId, Array<SharedEntry<number>>>();
  let joined = 0;
  const setUp = (peer: SimulatedPeer) => {
    const counter = peer.work.shared<number>('counter');
    const entries: Array<SharedEntry<number>> = [];
    seen.set(peer.id, entries);
    record(peer.work, entries);
    peer.work.runWhileLeader(({ signal, term }) => {
      const tick = () => {
        if (signal.aborted) return;
        counter.publish((counter.get()?.value ?? 0) + 1, { term });
        timer = room.clock.setTimeout(tick, 100);
      };
      let timer = room.clock.setTimeout(tick, 100);
      signal.addEventListener('abort', () => room.clock.clearTimeout(timer));
    });
  };
  for (const peer of room.startAll(['p0', 'p1', 'p2', 'p3'])) setUp(peer);
  await room.run(1500);
  for (const { action, wait } of steps) {
    const running = [...room.peers.keys()];
    if (action.op === 'yield') {
      for (const id of room.leaders()) room.peer(id).election.yield();
    } else if ((action.op === 'stop' || action.op === 'crash') && running.length > 2) {
      const id = running[action.pick % running.length]!;
      if (action.op === 'stop') room.stop(id);
      else room.crash(id, action.detectAfter);
    } else if (action.op === 'join') {
      setUp(room.start(`q${joined++}`));
    } else if (action.op === 'partition') {
      room.network.partition([running.filter((_, i) => (action.mask >> i) & 1)]);
    } else if (action.op === 'heal') {
      room.network.heal();
    }
    await room.run(wait);
  }
  return { room, seen };
}

/** Every running tab holds the same (term, version) of the counter. */
function holdSameValue(room: SimulatedRoom): boolean {
  const entries = [...room.peers.values()].map((p) => p.work.shared<number>('counter').get());
  const first = entries[0];
  return first !== undefined && entries.every((e) => e?.term === first.term && e.version === first.version);
}
