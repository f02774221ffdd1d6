import { describe, expect, it } from 'vitest';
import { browserDefaults, createElection, type ElectionEvent } from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';
import { ids, manualAdapter } from './helpers';

const { leaderAliveThreshold: T, leaderElectionDuration: D, startupGracePeriod: grace } = browserDefaults;

function converged(seed: number, count = 6, latency = { min: 1, max: 10 }) {
  const c = new SimulatedCluster({ seed, latency });
  c.startAll(ids(count));
  expect(c.runUntilConverged(grace + T)).toBeDefined();
  return c;
}

describe('liveness: tighter than Fabric', () => {
  it('a follower suspects the leader exactly T after its last declaration', () => {
    const net = manualAdapter(['a', 'z']);
    const events: ElectionEvent[] = [];
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    election.subscribe((event) => events.push(event));
    net.clock.runUntil(100);
    net.deliver({ type: 'declaration', sender: 'a', term: 1 });
    net.clock.runUntil(700);
    net.deliver({ type: 'declaration', sender: 'a', term: 1 });
    net.clock.runUntil(700 + T - 1);
    expect(election.leaderId()).toBe('a');
    net.clock.runUntil(700 + T);
    expect(election.leaderId()).toBeUndefined();
    expect(events.find((e) => e.type === 'leader-changed' && e.leaderId === undefined)).toEqual({
      type: 'leader-changed',
      at: 700 + T,
      leaderId: undefined,
      term: 1,
      reason: 'leader-silent',
    });
  });

  it('a follower suspects at once a leader that leaves its view and waits only D for the agreed successor', () => {
    const net = manualAdapter(['a', 'b', 'z']);
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.deliver({ type: 'declaration', sender: 'a', term: 1 });
    net.clock.runUntil(200);
    net.setPeers(['b', 'z']);
    expect(election.leaderId()).toBeUndefined();
    expect(election.state().phase).toBe('electing');
    // b, the lowest id left, should declare at once; m sends nothing while it waits for it.
    net.clock.runFor(D - 1);
    expect(net.gossiped).toEqual([]);
    // b never declared: Fabric's proposal round, after m's backoff (rank 1 of 4).
    net.clock.runFor(1 + browserDefaults.proposalBackoff / 4);
    expect(net.gossiped).toEqual([{ type: 'proposal', sender: 'm', term: 1, holder: 'a' }]);
  });

  it('the lowest id left when the leader leaves the view declares at once, without a proposal round', () => {
    const net = manualAdapter(['a', 'z']);
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.deliver({ type: 'declaration', sender: 'a', term: 3 });
    net.clock.runUntil(200);
    net.setPeers(['z']);
    expect(election.state()).toMatchObject({ role: 'leader', leaderId: 'm', term: 4, phase: 'steady' });
    expect(net.gossiped).toEqual([{ type: 'declaration', sender: 'm', term: 4 }]);
  });

  it('a peer whose links to room members are still opening does not declare at once: its view is not agreed', () => {
    const net = manualAdapter(['a', 'z']);
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.deliver({ type: 'declaration', sender: 'a', term: 3 });
    net.clock.runUntil(200);
    net.setSettling(true);
    net.setPeers(['z']);
    expect(election.isLeader()).toBe(false);
    expect(net.gossiped).not.toContainEqual(expect.objectContaining({ type: 'declaration' }));
    // Fabric's proposal round instead: a lower id whose link opens meanwhile still wins it.
    expect(net.gossiped).toContainEqual(expect.objectContaining({ type: 'proposal', sender: 'm' }));
  });

  it('a follower whose leader left adopts the agreed successor as soon as it declares', () => {
    const net = manualAdapter(['a', 'b', 'z']);
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.deliver({ type: 'declaration', sender: 'a', term: 3 });
    net.clock.runUntil(200);
    net.setPeers(['b', 'z']);
    net.clock.runFor(5);
    net.deliver({ type: 'declaration', sender: 'b', term: 4 });
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 4, phase: 'steady' });
    net.clock.runFor(2 * D);
    expect(net.gossiped).toEqual([]);
  });

  it('a leader gone silent (not gone from the view) still costs a normal election, not a successor wait', () => {
    const net = manualAdapter(['a', 'z']);
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.deliver({ type: 'declaration', sender: 'a', term: 1 });
    net.clock.runFor(T);
    expect(election.leaderId()).toBeUndefined();
    // a is still in the view but excluded as silent: m is the lowest remaining id and proposes at once.
    expect(net.gossiped).toEqual([{ type: 'proposal', sender: 'm', term: 1, holder: 'a' }]);
  });

  it('a silent crash (never noticed by the mesh) fails over within 1.5 s with browser defaults', () => {
    const c = converged(31);
    const crashAt = c.clock.now() + 123;
    c.run(123);
    c.crash('p01', { detectAfter: 'never' });
    const at = c.runUntilConverged(3 * T);
    expect(at).toBeDefined();
    expect(c.leaders()).toEqual(['p02']);
    expect((at as number) - crashAt).toBeLessThanOrEqual(1500);
  });
});

describe('fast hand-over: abdication names a successor', () => {
  it('stop() of the leader: the lowest remaining id declares at once, term + 1, without an election', () => {
    const c = converged(32);
    const proposals = c.network.stats.byType.proposal ?? 0;
    const stoppedAt = c.clock.now();
    c.stop('p01');
    const at = c.runUntilConverged(2 * T);
    expect(c.leaders()).toEqual(['p02']);
    expect((at as number) - stoppedAt).toBeLessThanOrEqual(100);
    expect(c.election('p06').term).toBe(2);
    expect(c.network.stats.byType.proposal ?? 0).toBe(proposals);
    expect(
      c.peer('p02').events.find((e) => e.event.type === 'leadership-gained' && e.event.at > stoppedAt),
    ).toMatchObject({ event: { reason: 'handover', term: 2 } });
  });

  it('yield() hands over the same way', () => {
    const c = converged(33);
    const yieldedAt = c.clock.now();
    c.election('p01').yield();
    // The yielder follows the successor it named, under the term it named, before any message is delivered;
    // it keeps yielding until the successor's declaration confirms it.
    expect(c.election('p01').state()).toMatchObject({ leaderId: 'p02', term: 2, yielding: true });
    const at = c.runUntilConverged(2 * T);
    expect(c.leaders()).toEqual(['p02']);
    expect((at as number) - yieldedAt).toBeLessThanOrEqual(100);
    expect(c.runUntil(() => !c.election('p01').state().yielding, T)).toBe(true);
    expect(c.election('p01').state()).toMatchObject({ leaderId: 'p02', term: 2 });
  });

  it('when the named successor never declares, the others fall back to an election after a short bound', () => {
    const c = converged(34);
    c.crash('p02', { detectAfter: 'never' }); // the successor p01 will name, dead and unnoticed
    const stoppedAt = c.clock.now();
    c.stop('p01');
    c.run(D - 1);
    expect(c.leaders()).toEqual([]);
    const at = c.runUntilConverged(3 * T);
    expect(c.leaders()).toEqual(['p03']);
    // Bound D, then an ordinary election: backoff + D.
    expect((at as number) - stoppedAt).toBeLessThanOrEqual(2 * D + browserDefaults.proposalBackoff + 50);
  });

  it('a leader never names as successor a leader it saw go silent (a crash the mesh has not noticed)', () => {
    const c = converged(39);
    c.crash('p01', { detectAfter: 'never' }); // stays in every view, the lowest id
    c.runUntilConverged(3 * T);
    expect(c.leaders()).toEqual(['p02']);
    const stoppedAt = c.clock.now();
    c.stop('p02');
    const at = c.runUntilConverged(2 * T);
    expect(c.leaders()).toEqual(['p03']);
    expect((at as number) - stoppedAt).toBeLessThanOrEqual(100);
  });

  it('a late abdication of an older leadership changes nothing', () => {
    const net = manualAdapter(['a', 'b', 'z']);
    const election = createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.deliver({ type: 'declaration', sender: 'b', term: 2 });
    net.deliver({ type: 'abdication', sender: 'a', term: 1, successor: 'm' });
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 2, role: 'follower' });
    // An abdication by someone who is not our leader changes nothing either.
    net.deliver({ type: 'abdication', sender: 'a', term: 2, successor: 'm' });
    expect(election.state()).toMatchObject({ leaderId: 'b', term: 2, role: 'follower' });
  });
});

describe('newcomers learn the leader at once', () => {
  it('the leader answers a peer that enters its view; the newcomer follows and its grace ends', () => {
    const c = converged(35, 4);
    const joinedAt = c.clock.now();
    c.start('p00'); // the lowest id of all: without the answer it could elect itself
    const at = c.runUntil(() => c.election('p00').leaderId() === 'p01', 1000);
    expect(at).toBe(true);
    expect(c.clock.now() - joinedAt).toBeLessThanOrEqual(20);
    expect(c.election('p00').state()).toMatchObject({ phase: 'steady', term: 1 });
    c.run(5 * T);
    expect(c.leaders()).toEqual(['p01']);
    expect(c.peer('p00').events.some((e) => e.event.type === 'election-started')).toBe(false);
  });

  it('without unicast the leader gossips its answer (at most one extra declaration per D/4)', () => {
    const c = new SimulatedCluster({ seed: 36 });
    for (const id of ids(3)) c.start(id, { send: false });
    c.runUntilConverged(grace + 2 * T);
    const joinedAt = c.clock.now();
    c.start('p00', { send: false });
    expect(c.runUntil(() => c.election('p00').leaderId() === 'p01', T)).toBe(true);
    expect(c.clock.now() - joinedAt).toBeLessThanOrEqual(D / 4 + 20);
  });

  it('without view-change notifications the newcomer still follows the sitting leader', () => {
    const c = new SimulatedCluster({ seed: 37 });
    for (const id of ids(3)) c.start(id, { viewChanges: false });
    c.runUntilConverged(grace + 2 * T);
    c.start('p00', { viewChanges: false });
    c.run(3 * T);
    expect(c.leaders()).toEqual(['p01']);
    expect(c.election('p00').leaderId()).toBe('p01');
  });
});

describe('leader hints: a newcomer whose link to the leader opens last', () => {
  /** Newcomer 'a' (the lowest id) whose view holds only follower 'y': it has just proposed itself. */
  function proposing() {
    const net = manualAdapter(['y']);
    const election = createElection({ id: 'a', adapter: net.adapter, clock: net.clock });
    // Bounded: a start-up that never proposes fails here instead of hanging.
    const proposed = net.clock.runUntilTrue(() => net.gossiped.some((m) => m.type === 'proposal'), 60_000);
    expect(proposed, 'the newcomer proposed itself').toBe(true);
    expect(election.state().phase).toBe('electing');
    return { net, election };
  }

  it('a follower tells a proposer that does not know its leadership who leads; not one that suspects it', () => {
    const net = manualAdapter(['a', 'z', 'n']);
    createElection({ id: 'm', adapter: net.adapter, clock: net.clock });
    net.clock.runUntil(100);
    net.deliver({ type: 'declaration', sender: 'a', term: 3 });
    net.deliver({ type: 'proposal', sender: 'n', term: 0 });
    expect(net.unicast).toEqual([
      { to: 'n', message: { type: 'leader-hint', sender: 'm', term: 3, leader: 'a' } },
    ]);
    net.deliver({ type: 'proposal', sender: 'z', term: 3, holder: 'a' });
    expect(net.unicast).toHaveLength(1);
  });

  it('the newcomer holds its election until the leader answers, though its id is the lowest', () => {
    const { net, election } = proposing();
    net.deliver({ type: 'leader-hint', sender: 'y', term: 3, leader: 'z' });
    net.clock.runFor(T - 1);
    expect(election.isLeader()).toBe(false);
    expect(net.gossiped.some((m) => m.type === 'declaration')).toBe(false);
    net.setPeers(['y', 'z']);
    net.deliver({ type: 'declaration', sender: 'z', term: 3 });
    expect(election.state()).toMatchObject({ leaderId: 'z', term: 3, phase: 'steady' });
  });

  it('a hint that no leader backs up only delays the election by T, and the winner outranks it', () => {
    const { net, election } = proposing();
    net.deliver({ type: 'leader-hint', sender: 'y', term: 3, leader: 'z' });
    const hintedAt = net.clock.now();
    net.clock.runFor(T + 2 * D);
    expect(election.isLeader()).toBe(true);
    expect(election.term).toBe(4);
    const declaredAt = net.clock.now();
    expect(declaredAt - hintedAt).toBeGreaterThanOrEqual(T);
  });
});

describe('fewer messages', () => {
  it('peers started together: only the lowest id proposes (browser defaults), all propose (Fabric)', () => {
    const browser = new SimulatedCluster({ seed: 38 });
    browser.startAll(ids(20));
    browser.runUntilConverged(grace + T);
    expect(browser.leaders()).toEqual(['p01']);
    expect(browser.network.stats.byType.proposal).toBe(19);
    const fabric = new SimulatedCluster({ seed: 38, config: { proposalBackoff: 0 } });
    fabric.startAll(ids(20));
    fabric.runUntilConverged(grace + T);
    expect(fabric.leaders()).toEqual(['p01']);
    expect(fabric.network.stats.byType.proposal).toBe(20 * 19);
  });
});
