import { describe, expect, it } from 'vitest';
import { type AbdicationVerdict, judgeAbdication } from '../src/handover';
import {
  browserDefaults,
  createElection,
  type ElectionEvent,
  isElectionWireMessage,
  messageLimits,
  parseElectionMessage,
} from '../src/index';
import { KnownLeadership } from '../src/known-leadership';
import { SimulatedCluster } from '../src/simulation/index';
import { ids, manualAdapter } from './helpers';

const { leaderAliveThreshold: T, leaderElectionDuration: D, startupGracePeriod: grace } = browserDefaults;

describe('judgeAbdication: what a follower of a@3 (id m, view a b z) does with a@3 abdicating', () => {
  const judge = (
    successor: string | undefined,
    successorTerm: number | undefined,
    options: { knownTerm?: number; knownHolder?: string; yielding?: boolean; usable?: string[] } = {},
  ): AbdicationVerdict => {
    const known = new KnownLeadership();
    known.observe(options.knownTerm ?? 3, options.knownHolder ?? 'a');
    const usable = new Set(options.usable ?? ['a', 'b', 'z']);
    const message = {
      type: 'abdication' as const,
      sender: 'a',
      term: 3,
      ...(successor === undefined ? {} : { successor }),
      ...(successorTerm === undefined ? {} : { successorTerm }),
    };
    return judgeAbdication(message, {
      self: 'm',
      yielding: options.yielding ?? false,
      currentTerm: 3,
      known,
      usable: (peer) => usable.has(peer),
    });
  };

  it.each([
    [
      'adopts the successor under the term carried',
      judge('b', 4),
      { action: 'adopt', successor: 'b', term: 4 },
    ],
    [
      'adopts a carried term above term + 1 (the leader knew more)',
      judge('b', 9),
      { action: 'adopt', successor: 'b', term: 9 },
    ],
    [
      'waits for a successor named without a term',
      judge('b', undefined),
      { action: 'await', successor: 'b' },
    ],
    [
      'waits when the carried term is not above the abdicated one',
      judge('b', 3),
      { action: 'await', successor: 'b' },
    ],
    [
      'waits when the carried term is taken by another leader it knows',
      judge('b', 5, { knownTerm: 5, knownHolder: 'x' }),
      { action: 'await', successor: 'b' },
    ],
    [
      'waits when the carried term is below one it knows',
      judge('b', 4, { knownTerm: 6, knownHolder: 'x' }),
      { action: 'await', successor: 'b' },
    ],
    [
      'waits when the carried term jumps beyond the bound',
      judge('b', 3 + messageLimits.maxTermStep + 1),
      { action: 'await', successor: 'b' },
    ],
    ['elects when no successor is named', judge(undefined, undefined), { action: 'elect' }],
    ['elects when the sender names itself', judge('a', 4), { action: 'elect' }],
    ['elects when the successor is not in its view (or gone silent)', judge('q', 4), { action: 'elect' }],
    ['leads under exactly the carried term when named', judge('m', 4), { action: 'lead', term: 4 }],
    [
      'leads above what it knows when the carried term is taken',
      judge('m', 5, { knownTerm: 5, knownHolder: 'x' }),
      { action: 'lead', term: undefined },
    ],
    ['does not lead while yielding', judge('m', 4, { yielding: true }), { action: 'elect' }],
  ] as const)('%s', (_name, verdict, expected) => {
    expect(verdict).toEqual(expected);
  });
});

/** Follower m of a@3, view a, b, z, on a hand-driven adapter. */
function follower(peers = ['a', 'b', 'z']) {
  const net = manualAdapter(peers);
  const events: ElectionEvent[] = [];
  const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
  election.subscribe((event) => events.push(event));
  net.deliver({ type: 'declaration', sender: 'a', term: 3 });
  net.clock.runFor(100);
  return { net, election, events };
}

describe('one-hop hand-over: a follower adopts the successor named in the abdication', () => {
  it('follows the successor under the carried term at once, sending nothing, and its declaration confirms it', () => {
    const { net, election, events } = follower();
    net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'b', successorTerm: 4 });
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 4, phase: 'steady', role: 'follower' });
    expect(events.at(-1)).toMatchObject({
      type: 'leader-changed',
      leaderId: 'b',
      term: 4,
      reason: 'handover',
    });
    net.clock.runFor(5);
    net.deliver({ type: 'declaration', sender: 'b', term: 4 });
    net.clock.runFor(T - 10);
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 4 });
    expect(net.gossiped).toEqual([]);
    // A leader that is not the adopted one may not reuse the term the abdication gave the successor.
    net.deliver({ type: 'declaration', sender: 'z', term: 4 });
    expect(election.leaderId()).toBe('b');
  });

  it('suspects an adopted successor that has not declared within D, and the next leader rises above its term', () => {
    const { net, election, events } = follower();
    net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'b', successorTerm: 4 });
    net.clock.runFor(D - 1);
    expect(election.leaderId()).toBe('b');
    net.clock.runFor(1);
    expect(election.leaderId()).toBeUndefined();
    expect(events.at(-2)).toMatchObject({ type: 'leader-changed', reason: 'successor-silent', term: 4 });
    // b is now excluded as silent, a as the abdicated leader: m is the lowest left and proposes at once,
    // carrying b's leadership so that the winner takes a term above it.
    expect(net.gossiped).toEqual([{ type: 'proposal', sender: 'm', term: 4, holder: 'b' }]);
    net.clock.runFor(D);
    expect(election.state()).toMatchObject({ role: 'leader', term: 5 });
  });

  it('an abdication of an older term, or by a peer it does not follow, changes nothing and is counted stale', () => {
    const { net, election } = follower();
    net.deliver({ type: 'abdication', sender: 'a', term: 2, successor: 'b', successorTerm: 3 });
    net.deliver({ type: 'abdication', sender: 'z', term: 3, successor: 'b', successorTerm: 4 });
    expect(election.state()).toMatchObject({ leaderId: 'a', term: 3, phase: 'steady' });
    // It remembers that b may lead under 4 (some of z's followers may have adopted it): nobody else may take 4.
    expect(election.state().highestTermSeen).toBe(4);
    expect(election.stats().staleDropped).toBe(1);
    // A replay of a hand-over once adopted does not move it again.
    net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'b', successorTerm: 4 });
    net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'z', successorTerm: 4 });
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 4 });
  });

  it('a successor term beyond the term-jump bound drops the whole abdication, counted', () => {
    const { net, election } = follower();
    const successorTerm = 3 + messageLimits.maxTermStep + 1;
    net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'b', successorTerm });
    expect(election.state()).toMatchObject({ leaderId: 'a', term: 3, highestTermSeen: 3 });
    expect(election.stats().termJumpsDropped).toBe(1);
  });

  it('a bogus successor term (not above the abdicated term) is not adopted: it waits for the declaration', () => {
    const { net, election } = follower();
    net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'b', successorTerm: 3 });
    expect(election.state()).toMatchObject({ leaderId: undefined, term: 3, phase: 'electing' });
    net.deliver({ type: 'declaration', sender: 'b', term: 4 });
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 4, phase: 'steady' });
  });

  it('a successor outside its view, or gone silent, is not adopted: it elects', () => {
    const absent = follower(['a', 'z']);
    absent.net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'b', successorTerm: 4 });
    expect(absent.election.leaderId()).toBeUndefined();
    // It remembers the successor's leadership (others may have adopted it): the winner must rise above it.
    expect(absent.net.gossiped).toEqual([{ type: 'proposal', sender: 'm', term: 4, holder: 'b' }]);

    // b led at 3 and went silent: m suspected it, then followed a@4.
    const net = manualAdapter(['a', 'b', 'z']);
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.deliver({ type: 'declaration', sender: 'b', term: 3 });
    net.clock.runFor(T);
    net.deliver({ type: 'declaration', sender: 'a', term: 4 });
    net.deliver({ type: 'abdication', sender: 'a', term: 4, successor: 'b', successorTerm: 5 });
    expect(election.leaderId()).toBeUndefined();
  });

  it('the successor declares exactly the carried term, or above it when that term is taken', () => {
    const named = follower();
    named.net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'm', successorTerm: 7 });
    expect(named.election.state()).toMatchObject({ role: 'leader', term: 7 });
    expect(named.net.gossiped).toEqual([{ type: 'declaration', sender: 'm', term: 7 }]);

    const taken = follower();
    taken.net.deliver({ type: 'proposal', sender: 'z', term: 7, holder: 'x' });
    taken.net.deliver({ type: 'abdication', sender: 'a', term: 3, successor: 'm', successorTerm: 7 });
    expect(taken.election.state()).toMatchObject({ role: 'leader', term: 8 });
  });

  it('a leader abdicating names its successor and a term above every term it knows', () => {
    const net = manualAdapter(['b', 'c']);
    const election = createElection({ id: 'a', adapter: net.adapter, clock: net.clock });
    net.clock.runFor(grace + T);
    expect(election.state()).toMatchObject({ role: 'leader', term: 1 });
    election.stop();
    expect(net.gossiped.at(-1)).toEqual({
      type: 'abdication',
      sender: 'a',
      term: 1,
      successor: 'b',
      successorTerm: 2,
    });
  });

  it('in a cluster, stop() hands over in one message delay: followers do not wait for the declaration', () => {
    const latency = 5;
    const c = new SimulatedCluster({ seed: 51, latency: { min: latency, max: latency }, jitter: 0 });
    c.startAll(ids(6));
    c.runUntilConverged(grace + T);
    const stoppedAt = c.clock.now();
    c.stop('p01');
    expect(c.runUntilConverged(T)).toBe(stoppedAt + latency);
    expect(c.leaders()).toEqual(['p02']);
    expect(c.election('p06').state()).toMatchObject({ leaderId: 'p02', term: 2 });
  });
});

describe('successorTerm on the wire', () => {
  const abdication = (successorTerm: unknown) => ({
    type: 'abdication',
    sender: 'a',
    term: 3,
    successor: 'b',
    successorTerm,
  });

  it.each([
    [4, true],
    [messageLimits.maxTerm, true],
    [-1, false],
    [4.5, false],
    [messageLimits.maxTerm + 1, false],
    ['4', false],
    [null, false],
  ])('successorTerm %s: accepted %s (by the schema and by the cheap check alike)', (term, ok) => {
    const parsed = parseElectionMessage(abdication(term));
    expect(parsed.ok).toBe(ok);
    if (!parsed.ok) expect(parsed.error).toMatch(/successorTerm/);
    expect(isElectionWireMessage(abdication(term))).toBe(ok);
  });

  it('an invalid successorTerm reaching the election is dropped and counted, nothing changes', () => {
    const { net, election } = follower();
    net.deliver(abdication(-1));
    expect(election.state()).toMatchObject({ leaderId: 'a', term: 3 });
    expect(election.stats().invalidDropped).toBe(1);
  });
});
