import { describe, expect, it } from 'vitest';
import {
  browserDefaults,
  compareLeadership,
  createElection,
  type LeadershipInfo,
  messageLimits,
} from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';
import { ids, manualAdapter } from './helpers';

const { leaderAliveThreshold: T, startupGracePeriod: grace } = browserDefaults;

/** A follower of `leader` at `term`, on a hand-driven adapter. */
function follower(id: string, peers: string[], leader: string, term: number) {
  const net = manualAdapter(peers);
  const election = createElection({ id, adapter: net.adapter, clock: net.clock });
  net.deliver({ type: 'declaration', sender: leader, term });
  return { net, election };
}

/** A leader at `term` (it saw `term - 1` in a proposal before electing itself). */
function leader(id: string, peers: string[], term: number) {
  const net = manualAdapter(peers);
  const calls: Array<[boolean, LeadershipInfo]> = [];
  const election = createElection({
    id,
    adapter: net.adapter,
    clock: net.clock,
    onLeadershipChange: (isLeader, info) => calls.push([isLeader, info]),
  });
  net.deliver({ type: 'proposal', sender: peers[peers.length - 1] as string, term: term - 1 });
  net.clock.runFor(grace + T);
  expect(election.isLeader()).toBe(true);
  expect(election.term).toBe(term);
  return { net, election, calls, declarations: () => net.gossiped.filter((m) => m.type === 'declaration') };
}

describe('terms (fencing tokens)', () => {
  it('the first leader takes term 1, and its followers adopt it', () => {
    const c = new SimulatedCluster({ seed: 21 });
    c.startAll(ids(5));
    c.runUntilConverged(grace + T);
    for (const id of ids(5)) expect(c.election(id).term).toBe(1);
    expect(c.peer('p01').callbacks[0]?.info).toEqual({ term: 1, leaderId: 'p01' });
    expect(c.election('p03').state()).toMatchObject({ leaderId: 'p01', term: 1, role: 'follower' });
  });

  it('each new leadership takes a term above every term it has seen', () => {
    const c = new SimulatedCluster({ seed: 22 });
    c.startAll(ids(5));
    c.runUntilConverged(grace + T);
    c.crash('p01', { detectAfter: 'never' });
    c.runUntilConverged(3 * T);
    expect(c.leaders()).toEqual(['p02']);
    expect(c.election('p05').term).toBe(2);
    c.stop('p02');
    c.runUntilConverged(3 * T);
    expect(c.leaders()).toEqual(['p03']);
    expect(c.election('p05').term).toBe(3);
  });

  it('proposals carry the highest term seen, so a peer that saw more makes the leader rise above it', () => {
    const { net, election, calls, declarations } = leader('a', ['b', 'c'], 3);
    const before = declarations().length;
    net.deliver({ type: 'proposal', sender: 'c', term: 7 });
    expect(election.term).toBe(8);
    expect(declarations().length).toBe(before + 1);
    expect(declarations().at(-1)).toMatchObject({ term: 8 });
    expect(calls.at(-1)).toEqual([true, { term: 8, leaderId: 'a' }]);
    // A proposal at our own term (a follower that missed heartbeats) is answered directly, term unchanged.
    net.deliver({ type: 'proposal', sender: 'b', term: 8 });
    expect(election.term).toBe(8);
    expect(net.unicast.at(-1)).toEqual({ to: 'b', message: { type: 'declaration', sender: 'a', term: 8 } });
  });

  it('after a merge the surviving leader re-declares above both sides', () => {
    const c = new SimulatedCluster({ seed: 23, latency: { min: 1, max: 10 } });
    const left = ['p01', 'p03', 'p05'];
    const right = ['p02', 'p04', 'p06'];
    c.network.partition([left, right]);
    c.startAll([...left, ...right]);
    c.runUntilConverged(grace + T);
    // Two more leaderships on the right: its term (3) is now above the left's (1).
    c.stop('p02');
    c.runUntilConverged(2 * T);
    c.run(T); // until p02 has left the views (a one-hop hand-over converges before that), so p04 names p06
    c.stop('p04');
    c.runUntilConverged(2 * T);
    expect(c.leaders().sort()).toEqual(['p01', 'p06']);
    expect([c.election('p01').term, c.election('p06').term]).toEqual([1, 3]);
    c.network.heal();
    expect(c.runUntilConverged(2 * T)).toBeDefined();
    expect(c.leaders()).toEqual(['p01']);
    expect(c.election('p01').term).toBe(4);
    expect(c.election('p06').state()).toMatchObject({ leaderId: 'p01', term: 4 });
    expect(c.peer('p06').callbacks.at(-1)).toMatchObject({ isLeader: false });
  });

  it('a stale declaration (a term below the one known) never unseats a follower’s leader', () => {
    const { net, election } = follower('c', ['a', 'b'], 'b', 5);
    net.deliver({ type: 'declaration', sender: 'a', term: 3 }); // lower id, older term: a replay or a stale leader
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 5 });
    expect(election.stats().staleDropped).toBe(1);
  });

  it('a stale declaration never unseats a leader, which answers the sender directly', () => {
    const { net, election } = leader('b', ['a', 'c'], 5);
    for (let i = 0; i < 3; i++) net.deliver({ type: 'declaration', sender: 'a', term: 2 });
    expect(election.isLeader()).toBe(true);
    expect(election.term).toBe(5);
    expect(election.stats().staleDropped).toBe(3);
    // One answer per stale message (never more: no amplification), so a live stale leader learns our term.
    expect(net.unicast).toEqual(
      Array.from({ length: 3 }, () => ({ to: 'a', message: { type: 'declaration', sender: 'b', term: 5 } })),
    );
  });

  it('a leader steps down for a lower id once it declares above every term it knows, and is told who leads', () => {
    const { net, election, calls } = leader('b', ['a', 'c'], 5);
    // Same term: sharing it is not allowed, so b answers a (which then rises) instead of following it at 5.
    net.deliver({ type: 'declaration', sender: 'a', term: 5 });
    expect(election.isLeader()).toBe(true);
    expect(net.unicast.at(-1)).toEqual({ to: 'a', message: { type: 'declaration', sender: 'b', term: 5 } });
    net.deliver({ type: 'declaration', sender: 'a', term: 6 });
    expect(election.isLeader()).toBe(false);
    expect(election.state()).toMatchObject({ leaderId: 'a', term: 6 });
    expect(calls.at(-1)).toEqual([false, { term: 6, leaderId: 'a' }]);
  });

  it('a leader that hears a higher id at its term (or above) rises above it instead of sharing it', () => {
    const { net, election, declarations } = leader('a', ['b', 'c'], 5);
    net.deliver({ type: 'declaration', sender: 'c', term: 5 });
    expect(election.isLeader()).toBe(true);
    expect(election.term).toBe(6);
    expect(declarations().at(-1)).toMatchObject({ term: 6 });
  });

  it('followers switch only to a leadership above every one they know', () => {
    const { net, election } = follower('d', ['a', 'b', 'c'], 'b', 5);
    net.deliver({ type: 'declaration', sender: 'a', term: 5 }); // another leader at the same term: not followed
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 5 });
    net.deliver({ type: 'declaration', sender: 'c', term: 6 }); // higher term
    expect(election.state()).toMatchObject({ leaderId: 'c', term: 6 });
  });

  it('a peer without a leader asks a leader whose term is taken to rise, then follows it', () => {
    const { net, election } = follower('d', ['a', 'b'], 'b', 5);
    net.setPeers(['a']); // b leaves: d suspects it at once
    expect(election.leaderId()).toBeUndefined();
    net.deliver({ type: 'declaration', sender: 'a', term: 5 }); // term 5 was b's
    expect(election.leaderId()).toBeUndefined();
    expect(net.unicast.at(-1)).toEqual({
      to: 'a',
      message: { type: 'proposal', sender: 'd', term: 5, holder: 'b' },
    });
    net.deliver({ type: 'declaration', sender: 'a', term: 6 });
    expect(election.state()).toMatchObject({ leaderId: 'a', term: 6 });
  });

  it('a leader told of another leadership at its own term rises above it', () => {
    const { net, election } = leader('a', ['b', 'c'], 5);
    net.deliver({ type: 'proposal', sender: 'c', term: 5, holder: 'a' }); // its own: just answered
    expect(election.term).toBe(5);
    net.deliver({ type: 'proposal', sender: 'c', term: 5, holder: 'z' }); // someone else's
    expect(election.term).toBe(6);
  });

  it('a term that jumps more than maxTermStep above what is known is dropped, so the bound cannot be reached', () => {
    const { net, election } = follower('m', ['a', 'z'], 'a', 3);
    net.deliver({ type: 'declaration', sender: 'z', term: messageLimits.maxTerm });
    net.deliver({ type: 'proposal', sender: 'z', term: 3 + messageLimits.maxTermStep + 1, holder: 'z' });
    expect(election.state()).toMatchObject({ leaderId: 'a', term: 3, highestTermSeen: 3 });
    expect(election.stats().termJumpsDropped).toBe(2);
    // A jump within the step is an ordinary newer leadership.
    net.deliver({ type: 'declaration', sender: 'z', term: 3 + messageLimits.maxTermStep });
    expect(election.state()).toMatchObject({ leaderId: 'z', term: 3 + messageLimits.maxTermStep });
  });

  it('compareLeadership orders by term, then lower id first', () => {
    expect(compareLeadership({ term: 2, leaderId: 'z' }, { term: 1, leaderId: 'a' })).toBeGreaterThan(0);
    expect(compareLeadership({ term: 1, leaderId: 'a' }, { term: 2, leaderId: 'z' })).toBeLessThan(0);
    expect(compareLeadership({ term: 3, leaderId: 'a' }, { term: 3, leaderId: 'b' })).toBeGreaterThan(0);
    expect(compareLeadership({ term: 3, leaderId: 'b' }, { term: 3, leaderId: 'b' })).toBe(0);
  });
});
