import { VirtualClock } from '@conclave/election/simulation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreeOnOneLeader, electionsOn, leaders } from './elections';
import { FakeNetwork, fullyMeshed, settle } from './fake-network';

function settledRoom(count: number) {
  const clock = new VirtualClock(1_000);
  const net = new FakeNetwork(clock);
  const meshes = Array.from({ length: count }, () => net.join());
  const elections = electionsOn(clock, meshes);
  settle(clock, () => fullyMeshed(meshes) && agreeOnOneLeader(elections), 5_000, 'one leader');
  return { clock, net, meshes, elections };
}

describe('hostile data-channel input', { timeout: 30_000 }, () => {
  it('drops and counts arbitrary junk from a peer without throwing or disturbing the election', () => {
    const { clock, net, meshes, elections } = settledRoom(3);
    const [victim, attacker] = meshes;
    const before = elections.map((e) => [e.leaderId(), e.term]);
    const junk = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record({ ch: fc.constantFrom('election', 'links', 'ping', 'x'), msg: fc.jsonValue() })
        .map((v) => JSON.stringify(v)),
      fc
        .record({ type: fc.constantFrom('declaration', 'proposal', 'abdication', 'x'), term: fc.jsonValue() })
        .map((msg) => JSON.stringify({ ch: 'election', msg: { ...msg, sender: attacker!.selfId } })),
    );
    let sent = 0;
    fc.assert(
      fc.property(junk, (raw) => {
        net.sendRaw(attacker!.selfId, victim!.selfId, raw);
        sent++;
        clock.runFor(20); // stay under the link's rate limit, let heartbeats run
      }),
      { numRuns: 2_000 },
    );
    const stats = victim!.stats();
    const { oversize, badJson, badShape, badElection } = stats.dropped;
    expect(oversize + badJson + badShape + badElection).toBeGreaterThan(sent / 2);
    expect(stats.dropped.rateLimited).toBe(0);
    expect(elections.map((e) => [e.leaderId(), e.term])).toEqual(before);
  });

  it('drops an election message that claims another sender, and counts it', () => {
    const { clock, net, meshes, elections } = settledRoom(3);
    const [leaderId] = leaders(elections);
    const victim = meshes.find((m) => m.selfId !== leaderId)!;
    const attacker = meshes.find((m) => m !== victim && m.selfId !== leaderId)!;
    const victimElection = elections.find((e) => e.id === victim.selfId)!;
    const term = victimElection.term;
    // The attacker forges the leader's abdication and a higher-term declaration in the leader's name.
    for (const msg of [
      { type: 'abdication', sender: leaderId, term, successor: attacker.selfId },
      { type: 'declaration', sender: leaderId, term: term + 100 },
      { type: 'declaration', sender: '0'.repeat(32), term: term + 100 },
    ]) {
      net.sendRaw(attacker.selfId, victim.selfId, JSON.stringify({ ch: 'election', msg }));
    }
    clock.runFor(3_000);
    expect(victim.stats().dropped.spoofed).toBe(3);
    expect(victimElection.leaderId()).toBe(leaderId);
    expect(victimElection.term).toBe(term);
  });

  it('counts election envelopes whose message is not an election message', () => {
    const { net, meshes } = settledRoom(2);
    const [a, b] = meshes;
    for (const msg of [
      {},
      { type: 'declaration', sender: b!.selfId, term: -1 },
      { type: 'coup', sender: b!.selfId },
    ]) {
      net.sendRaw(b!.selfId, a!.selfId, JSON.stringify({ ch: 'election', msg }));
    }
    expect(a!.stats().dropped.badElection).toBe(3);
  });
});
