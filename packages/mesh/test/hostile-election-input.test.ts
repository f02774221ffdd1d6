import { parseElectionMessage } from '@conclave/election';
import { VirtualClock } from '@conclave/election/simulation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreeOnOneLeader, electionsOn, leaders } from './elections';
import { FakeNetwork, fullyMeshed, settle } from './fake-network';
import { hostileItems } from './hostile-election-messages';

describe('hostile election messages over a real link', { timeout: 60_000 }, () => {
  it('well-formed lies (terms, ids, successors) from a member never move the leadership', () => {
    const clock = new VirtualClock(1_000);
    const net = new FakeNetwork(clock);
    const meshes = Array.from({ length: 3 }, () => net.join());
    const elections = electionsOn(clock, meshes);
    settle(clock, () => fullyMeshed(meshes) && agreeOnOneLeader(elections), 5_000, 'one leader');
    const [leader] = leaders(elections) as [string];
    const attacker = meshes.find((m) => m.selfId !== leader)!;
    const victim = meshes.find((m) => m !== attacker && m.selfId !== leader)!;
    const targets = meshes.filter((m) => m !== attacker);
    const electionOf = (id: string) => elections.find((e) => e.id === id)!;
    const termBefore = electionOf(leader).term;
    const terms = new Map(elections.map((e) => [e.id, e.term]));

    let last = '';
    const counts = { sent: 0, wellFormed: 0, inOwnName: 0 };
    fc.assert(
      fc.property(
        hostileItems({ attacker: attacker.selfId, leader, victim: victim.selfId }),
        fc.nat({ max: targets.length - 1 }),
        (item, which) => {
          const target = targets[which]!;
          let raw: string | Uint8Array;
          if (item.kind === 'junk') {
            raw = item.raw;
          } else {
            const { highestTermSeen, term } = electionOf(target.selfId).state();
            const msg = item.build({ known: highestTermSeen, current: term });
            if (parseElectionMessage(msg).ok) {
              counts.wellFormed++;
              if ((msg as { sender: string }).sender === attacker.selfId) counts.inOwnName++;
            }
            raw = JSON.stringify({ ch: 'election', msg });
          }
          last = `${typeof raw === 'string' ? raw.slice(0, 200) : 'bytes'} to ${target.selfId}`;
          net.sendRaw(attacker.selfId, target.selfId, raw);
          counts.sent++;
          clock.runFor(20); // under the link's rate limit; heartbeats run
          expect(leaders(elections), 'the leader kept its role alone').toEqual([leader]);
          for (const m of targets)
            expect(electionOf(m.selfId).leaderId(), `${m.selfId} follows, after ${last}`).toBe(leader);
          for (const e of elections) {
            expect(e.term, `${e.id}'s term went down`).toBeGreaterThanOrEqual(terms.get(e.id)!);
            terms.set(e.id, e.term);
          }
        },
      ),
      { numRuns: 2_000 },
    );

    // The generator really sends election messages, mostly well-formed ones in the attacker's own name.
    expect(counts.wellFormed / counts.sent, JSON.stringify(counts)).toBeGreaterThan(0.5);
    expect(counts.inOwnName / counts.sent, JSON.stringify(counts)).toBeGreaterThan(0.4);
    // They reached the elections: lies were dropped for what they are, and lying terms made the leader rise.
    const dropped = targets.map((m) => m.stats().dropped);
    expect(dropped.reduce((n, d) => n + d.spoofed, 0)).toBeGreaterThan(0);
    expect(dropped.reduce((n, d) => n + d.rateLimited, 0)).toBe(0);
    const electionStats = targets.map((m) => electionOf(m.selfId).stats());
    expect(electionStats.reduce((n, s) => n + s.termJumpsDropped, 0)).toBeGreaterThan(0);
    expect(electionStats.reduce((n, s) => n + s.staleDropped, 0)).toBeGreaterThan(0);
    expect(electionOf(leader).term).toBeGreaterThan(termBefore);

    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one agreed leader after the attack');
    expect(leaders(elections)).toEqual([leader]);
  });
});
