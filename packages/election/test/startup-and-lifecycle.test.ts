import { describe, expect, it } from 'vitest';
import { browserDefaults, createElection, type ElectionEvent } from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';
import { manualAdapter } from './helpers';

const {
  membershipSampleInterval: sample,
  startupGracePeriod: grace,
  leaderAliveThreshold: T,
} = browserDefaults;

function start(peers: string[], id = 'a') {
  const net = manualAdapter(peers);
  const events: ElectionEvent[] = [];
  const election = createElection({ id, adapter: net.adapter, clock: net.clock });
  election.subscribe((event) => events.push(event));
  const proposals = () => net.gossiped.filter((m) => m.type === 'proposal');
  return { net, election, events, proposals };
}

describe('start-up grace (Fabric: waitForMembershipStabilization)', () => {
  it('ends at the first sample that finds the view unchanged', () => {
    const { net, election, proposals } = start(['z']);
    net.clock.runFor(sample - 1);
    expect(proposals()).toHaveLength(0);
    expect(election.state().phase).toBe('starting');
    net.clock.runFor(1);
    expect(proposals()).toHaveLength(1);
    expect(election.state().phase).toBe('electing');
  });

  it('waits while the view keeps growing between samples', () => {
    const { net, proposals } = start([]);
    net.clock.schedule(100, () => net.setPeers(['x']));
    net.clock.schedule(350, () => net.setPeers(['x', 'y']));
    net.clock.schedule(600, () => net.setPeers(['x', 'y', 'z']));
    net.clock.runUntil(4 * sample - 1);
    expect(proposals()).toHaveLength(0);
    net.clock.runUntil(4 * sample);
    expect(proposals()).toHaveLength(1);
  });

  it('keeps waiting while the transport says links are still opening, even if the size is unchanged', () => {
    const { net, proposals } = start(['x']);
    net.setSettling(true);
    net.clock.runUntil(3 * sample);
    expect(proposals()).toHaveLength(0);
    net.clock.schedule(3 * sample + 10, () => {
      net.setPeers(['x', 'leader']);
      net.setSettling(false);
    });
    net.clock.runUntil(5 * sample - 1);
    expect(proposals()).toHaveLength(0);
    net.clock.runUntil(5 * sample);
    expect(proposals()).toHaveLength(1);
  });

  it('stops waiting for links still opening when the grace period is over', () => {
    const { net, proposals } = start(['x']);
    net.setSettling(true);
    net.clock.runUntil(grace - 1);
    expect(proposals()).toHaveLength(0);
    net.clock.runUntil(grace + sample);
    expect(proposals()).toHaveLength(1);
  });

  it('a newcomer whose links open after 2.5 s (a loaded machine) follows the sitting leader, never proposing', () => {
    const { net, election, proposals } = start([]);
    net.setSettling(true);
    net.clock.schedule(2_500, () => {
      net.setPeers(['leader']);
      net.setSettling(false);
      // The leader answers a peer that enters its view at once.
      net.deliver({ type: 'declaration', sender: 'leader', term: 7 });
    });
    net.clock.runUntil(2_500 + T / 2);
    expect(election.state()).toMatchObject({ phase: 'steady', leaderId: 'leader', term: 7 });
    expect(proposals()).toEqual([]);
    expect(election.isLeader()).toBe(false);
  });

  it('gives up waiting when the grace period is over', () => {
    const { net, proposals } = start([]);
    for (let t = 100, n = 1; t < 10 * grace; t += sample, n++) {
      net.clock.schedule(t, () => net.setPeers(Array.from({ length: n }, (_, i) => `z${i}`)));
    }
    net.clock.runUntil(grace - 1);
    expect(proposals()).toHaveLength(0);
    net.clock.runUntil(grace + sample);
    expect(proposals()).toHaveLength(1);
    expect(net.clock.now()).toBeGreaterThanOrEqual(grace);
  });

  it('with a transport that knows the room, peers in the view still wait for it to settle', () => {
    const net = manualAdapter(['x'], { knowsRoom: true });
    net.setRoomLinked(true);
    createElection({ id: 'a', adapter: net.adapter, clock: net.clock });
    net.clock.schedule(120, () => net.setPeers(['x', 'y']));
    // A sitting leader's answer may be on its way: no proposal before the view has settled.
    net.clock.runUntil(2 * sample - 1);
    expect(net.gossiped.filter((m) => m.type === 'proposal')).toHaveLength(0);
    net.clock.runUntil(2 * sample);
    expect(net.gossiped.filter((m) => m.type === 'proposal')).toHaveLength(1);
  });

  it('with a transport that knows the room, a room of one starts its election at once', () => {
    const net = manualAdapter([], { knowsRoom: true });
    net.setRoomLinked(true);
    const election = createElection({ id: 'a', adapter: net.adapter, clock: net.clock });
    net.clock.runUntil(0);
    expect(net.gossiped.filter((m) => m.type === 'proposal')).toHaveLength(1);
    expect(election.state().phase).toBe('electing');
  });

  it('with a transport that knows the room, waits as before while a listed member is not linked', () => {
    const net = manualAdapter(['x'], { knowsRoom: true });
    net.setSettling(true);
    const election = createElection({ id: 'a', adapter: net.adapter, clock: net.clock });
    net.clock.schedule(100, () => net.setPeers(['x', 'y']));
    net.clock.runUntil(grace - 1);
    expect(net.gossiped.filter((m) => m.type === 'proposal')).toHaveLength(0);
    expect(election.state().phase).toBe('starting');
  });

  it('ends at once when a declaration arrives, and the newcomer never proposes', () => {
    const { net, election, proposals } = start(['z', 'y']);
    net.clock.runFor(100);
    net.deliver({ type: 'declaration', sender: 'z', term: 4 });
    expect(election.state()).toMatchObject({ phase: 'steady', leaderId: 'z', term: 4 });
    net.clock.runFor(T / 2);
    expect(proposals()).toHaveLength(0);
  });
});

describe('what the election listens to', () => {
  it('ignores messages from peers outside the view (Fabric: isAlive)', () => {
    const { net, election } = start(['z']);
    net.deliver({ type: 'declaration', sender: 'outsider', term: 9 });
    expect(election.leaderId()).toBeUndefined();
    expect(election.state().highestTermSeen).toBe(0);
    expect(election.stats().outsideViewDropped).toBe(1);
  });

  it('counts and ignores what is not an election message', () => {
    const { net, election } = start(['z']);
    for (const bad of [
      null,
      'x',
      { type: 'declaration', sender: 'z', term: -1 },
      { type: 'hello', sender: 'z' },
    ]) {
      net.deliver(bad);
    }
    expect(election.leaderId()).toBeUndefined();
    expect(election.stats().invalidDropped).toBe(4);
  });

  it('a follower sends nothing in steady state; the leader declares every T/2', () => {
    const c = new SimulatedCluster({ seed: 11 });
    c.startAll(['a', 'b', 'c', 'd']);
    c.runUntilConverged(grace + T);
    const sent = ['a', 'b', 'c', 'd'].map((id) => c.network.sentBy(id));
    c.run(10 * T);
    const after = ['a', 'b', 'c', 'd'].map((id, i) => c.network.sentBy(id) - (sent[i] as number));
    expect(after).toEqual([20 * 3, 0, 0, 0]);
  });
});

describe('stop()', () => {
  it('unsubscribes, clears every timer, and gossips nothing more', () => {
    const { net, election, events } = start(['z']);
    net.clock.runFor(2 * T); // leader by now
    expect(election.isLeader()).toBe(true);
    expect(net.clock.pending).toBeGreaterThan(0);
    election.stop();
    expect(net.subscriptions()).toBe(0);
    expect(net.clock.pending).toBe(0);
    const sent = net.gossiped.length;
    expect(net.gossiped.at(-1)).toMatchObject({ type: 'abdication', successor: 'z' });
    net.deliver({ type: 'proposal', sender: 'z', term: 0 });
    net.clock.runFor(10 * T);
    expect(net.gossiped).toHaveLength(sent);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['leadership-lost', 'stopped']);
    election.stop();
    expect(net.gossiped).toHaveLength(sent);
  });

  it('a follower that stops sends nothing at all', () => {
    const { net, election } = start(['z', 'y']);
    net.deliver({ type: 'declaration', sender: 'z', term: 1 });
    const sent = net.gossiped.length;
    election.stop();
    net.clock.runFor(10 * T);
    expect(net.gossiped).toHaveLength(sent);
    expect(net.clock.pending).toBe(0);
  });
});
