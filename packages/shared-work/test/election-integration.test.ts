import type { PeerId } from '@conclave/election';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type LeaderCallResult, type SharedEntry, sharedWorkChannel } from '../src';
import { type SimulatedPeer, SimulatedRoom } from './support/simulated-room';

/** Every tab runs the same app: a leader task that counts every 100 ms into shared('counter'). */
function countingApp(
  room: SimulatedRoom,
  peer: SimulatedPeer,
  published: Array<{ by: PeerId; entry: SharedEntry<number> }>,
) {
  const counter = peer.work.shared('counter', { schema: z.number().int().min(1) });
  peer.work.runWhileLeader(({ signal, term }) => {
    const tick = () => {
      if (signal.aborted) return;
      const entry = counter.publish((counter.get()?.value ?? 0) + 1, { term });
      published.push({ by: peer.id, entry });
      timer = room.clock.setTimeout(tick, 100);
    };
    let timer = room.clock.setTimeout(tick, 100);
    signal.addEventListener('abort', () => room.clock.clearTimeout(timer));
  });
  return counter;
}

function observe(peer: SimulatedPeer): Array<SharedEntry<number>> {
  const seen: Array<SharedEntry<number>> = [];
  peer.work.shared<number>('counter').subscribe((entry) => seen.push(entry));
  return seen;
}

describe('leader work on the real election (simulated network)', () => {
  it('a counter continues across yield, graceful stop and crash of its leader: no gap, no double count', async () => {
    const room = new SimulatedRoom({ seed: 7, latency: { min: 1, max: 5 } }, {}, { takeoverSyncMs: 200 });
    const published: Array<{ by: PeerId; entry: SharedEntry<number> }> = [];
    const peers = room.startAll(['p1', 'p2', 'p3', 'p4', 'p5']);
    for (const peer of peers) countingApp(room, peer, published);
    const seen = observe(room.peer('p5'));
    const leaderships: PeerId[] = [];

    expect(await room.runUntilTrue(() => room.agreedLeader() !== undefined, 5000)).toBe(true);
    const handOver = async (how: (leader: PeerId) => void) => {
      const leader = room.agreedLeader() as PeerId;
      leaderships.push(leader);
      const before = seen.length;
      expect(await room.runUntilTrue(() => seen.length >= before + 8, 5000)).toBe(true);
      how(leader); // mid-task: its next tick is due within 100 ms
      expect(
        await room.runUntilTrue(
          () => room.agreedLeader() !== undefined && room.agreedLeader() !== leader,
          5000,
        ),
      ).toBe(true);
    };
    await handOver((leader) => room.peer(leader).election.yield());
    await handOver((leader) => room.stop(leader));
    await handOver((leader) => room.crash(leader));
    const last = room.agreedLeader() as PeerId;
    leaderships.push(last);
    const before = seen.length;
    expect(await room.runUntilTrue(() => seen.length >= before + 8, 5000)).toBe(true);

    expect(leaderships).toHaveLength(4); // e.g. p1, p2, p1 (its yield ended when it followed p2), p3
    expect(leaderships).not.toContain('p5');
    // The follower saw 1, 2, 3, ... without a gap or a repeat, and (term, version) only grew.
    expect(seen.map((e) => e.value)).toEqual(seen.map((_, i) => i + 1));
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(b.term > a.term || (b.term === a.term && b.version === a.version + 1)).toBe(true);
    }
    // Every value was published exactly once, by the leaders in turn.
    const values = published.map((p) => p.entry.value);
    expect(values).toEqual(values.map((_, i) => i + 1));
    const turns = published.map((p) => p.by).filter((by, i, all) => i === 0 || all[i - 1] !== by);
    expect(turns).toEqual(leaderships);
    expect(new Set(published.map((p) => p.entry.term)).size).toBe(4);
  });

  it('a leader that crashes right after a publish: the value still in flight is counted once', async () => {
    const room = new SimulatedRoom({ seed: 1 }, {}, { takeoverSyncMs: 200 });
    const published: Array<{ by: PeerId; entry: SharedEntry<number> }> = [];
    for (const peer of room.startAll(['p1', 'p2', 'p3', 'p4'])) countingApp(room, peer, published);
    const seen = observe(room.peer('p4'));
    expect(await room.runUntilTrue(() => published.length >= 5, 5000)).toBe(true);
    room.crash('p1'); // value 5 has just been sent; its departure is noticed at once
    expect(await room.runUntilTrue(() => published.length >= 10, 5000)).toBe(true);
    expect(published.map((p) => p.entry.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(published[5]?.by).toBe('p2');
    expect(seen.map((e) => e.value)).toEqual(seen.map((_, i) => i + 1));
  });

  it('a new leader continues from a value it missed (its link dropped it), caught up from its peers', async () => {
    const room = new SimulatedRoom({ seed: 3 }, {}, { takeoverSyncMs: 200 });
    const published: Array<{ by: PeerId; entry: SharedEntry<number> }> = [];
    for (const peer of room.startAll(['p1', 'p2', 'p3'])) countingApp(room, peer, published);
    expect(await room.runUntilTrue(() => published.length >= 5, 5000)).toBe(true);
    expect(room.agreedLeader()).toBe('p1');
    // p2 stops hearing p1's values (the election still reaches it): it falls behind.
    const heldBy = (id: PeerId) => room.peer(id).work.shared<number>('counter').get()?.value ?? 0;
    room.dropApp = (from, to) => from === 'p1' && to === 'p2';
    await room.run(450);
    expect(heldBy('p2')).toBeLessThan(heldBy('p3') - 2);
    const lastByP1 = published.filter((p) => p.by === 'p1').at(-1)!.entry.value;
    room.crash('p1');
    room.dropApp = undefined;
    expect(await room.runUntilTrue(() => room.agreedLeader() === 'p2', 5000)).toBe(true);
    expect(await room.runUntilTrue(() => published.some((p) => p.by === 'p2'), 5000)).toBe(true);
    const firstByP2 = published.find((p) => p.by === 'p2')!.entry.value;
    expect(firstByP2).toBe(lastByP1 + 1);
  });

  it('callLeader survives the crash of the leader mid-call: sent again to the new leader, same request id', async () => {
    const room = new SimulatedRoom({ seed: 11 });
    const peers = room.startAll(['p1', 'p2', 'p3']);
    const ran: Array<{ on: PeerId; requestId: string; term: number }> = [];
    for (const peer of peers) {
      peer.work.serve('slow-sum', (args: number[], ctx) => {
        ran.push({ on: peer.id, requestId: ctx.requestId, term: ctx.term });
        return new Promise<number>((resolve) =>
          room.clock.setTimeout(() => resolve(args.reduce((a, b) => a + b, 0)), 300),
        );
      });
    }
    expect(await room.runUntilTrue(() => room.agreedLeader() === 'p1', 5000)).toBe(true);
    let result: LeaderCallResult<number> | undefined;
    let failure: unknown;
    room
      .peer('p3')
      .work.callLeaderDetailed<number>('slow-sum', [1, 2, 3], { timeoutMs: 5000, deadlineMs: 10_000 })
      .then(
        (r) => (result = r),
        (e: unknown) => (failure = e),
      );
    expect(await room.runUntilTrue(() => ran.length === 1, 1000)).toBe(true);
    const firstTerm = ran[0]!.term;
    room.crash('p1');
    const crashedAt = room.clock.now();
    expect(await room.runUntilTrue(() => result !== undefined || failure !== undefined, 10_000)).toBe(true);
    // Sent again as soon as the new leader was known, not after the 5 s attempt timeout.
    expect(room.clock.now() - crashedAt).toBeLessThan(2000);
    expect(failure).toBeUndefined();
    expect(result).toMatchObject({ value: 6, leaderId: 'p2', attempts: 2 });
    expect(result!.term).toBeGreaterThan(firstTerm);
    expect(ran.map((r) => r.on)).toEqual(['p1', 'p2']);
    expect(ran[1]!.requestId).toBe(ran[0]!.requestId);
  });

  it('a late joiner sees the latest value within a few message delays of its first link', async () => {
    const room = new SimulatedRoom({ seed: 5 });
    const published: Array<{ by: PeerId; entry: SharedEntry<number> }> = [];
    for (const peer of room.startAll(['p1', 'p2'])) countingApp(room, peer, published);
    expect(await room.runUntilTrue(() => published.length >= 3, 5000)).toBe(true);
    const joinedAt = room.clock.now();
    const late = room.start('p9');
    const counter = late.work.shared<number>('counter');
    expect(await room.runUntilTrue(() => counter.get() !== undefined, 1000)).toBe(true);
    expect(room.clock.now() - joinedAt).toBeLessThan(50);
    expect(counter.get()!.value).toBeGreaterThanOrEqual(3);
  });

  it('ignores a forged value from a follower and a malformed payload on the shared channel', async () => {
    const room = new SimulatedRoom({ seed: 9 });
    const published: Array<{ by: PeerId; entry: SharedEntry<number> }> = [];
    for (const peer of room.startAll(['p1', 'p2', 'p3'])) countingApp(room, peer, published);
    expect(await room.runUntilTrue(() => published.length >= 2, 5000)).toBe(true);
    const p3 = room.peer('p3');
    room.peer('p2').core.sendTo('p3', {
      ch: sharedWorkChannel,
      kind: 'state',
      name: 'counter',
      term: 99,
      version: 1,
      value: 1e6,
    });
    room.peer('p2').core.sendTo('p3', { ch: sharedWorkChannel, kind: 'state', name: 'counter', term: 'x' });
    await room.run(50);
    expect(p3.work.shared<number>('counter').get()!.value).toBeLessThan(1000);
    expect(p3.work.stats().invalid).toBe(1);
  });
});
