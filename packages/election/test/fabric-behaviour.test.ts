import { describe, expect, it } from 'vitest';
import { browserDefaults, fabricDefaults } from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';
import { ids, shuffled } from './helpers';

// Fabric's own test list (gossip/election/election_test.go), on the virtual clock and simulated network.
const configs = { fabric: fabricDefaults, browser: browserDefaults } as const;

describe.each(Object.entries(configs))('Fabric behaviour with %s defaults', (_name, config) => {
  const cluster = (seed = 1) =>
    new SimulatedCluster({ seed, config, latency: { min: 1, max: 20 }, jitter: 5 });
  const t = config.leaderAliveThreshold;

  it('peers started together elect the lowest id', () => {
    const c = cluster();
    const peers = ids(7);
    c.startAll(shuffled(peers, 7));
    expect(c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration)).toBeDefined();
    expect(c.leaders()).toEqual(['p01']);
    for (const id of peers) expect(c.election(id).leaderId()).toBe('p01');
  });

  it('peers started at intervals keep the first leader although its id is highest', () => {
    const c = cluster();
    c.start('p09');
    expect(c.runUntil(() => c.election('p09').isLeader(), config.startupGracePeriod + t)).toBe(true);
    const later = ids(8);
    later.forEach((id, i) => {
      c.startAt(c.clock.now() + (i + 1) * config.membershipSampleInterval, id);
    });
    c.run((later.length + 2) * config.membershipSampleInterval + config.startupGracePeriod + 2 * t);
    expect(c.leaders()).toEqual(['p09']);
    expect(c.isConverged()).toBe(true);
    expect(c.peer('p09').callbacks.map((call) => call.isLeader)).toEqual([true]);
  });

  it('a stopped peer gossips nothing more', () => {
    const c = cluster();
    c.startAll(ids(4));
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    const follower = 'p03';
    const leader = c.leaders()[0] as string;
    c.stop(follower);
    c.stop(leader); // the leader's abdication is sent inside stop(), before it returns
    const sentAtStop = [c.network.sentBy(follower), c.network.sentBy(leader)];
    c.run(20 * t);
    expect([c.network.sentBy(follower), c.network.sentBy(leader)]).toEqual(sentAtStop);
    expect(c.election(leader).state().phase).toBe('stopped');
    // The others carried on without them.
    expect(c.isConverged()).toBe(true);
    expect(c.leaders()).toHaveLength(1);
  });

  it('two groups that merge views converge on the lower of their two leaders, and the loser is told', () => {
    const c = cluster(2);
    const left = ['p02', 'p04', 'p06'];
    const right = ['p01', 'p03', 'p05'];
    // The right group starts later, so it is the lower leader that joins an existing leadership.
    c.network.partition([left, right]);
    c.startAll(left);
    c.run(config.startupGracePeriod + 2 * config.leaderElectionDuration);
    for (const id of right) c.start(id, {});
    c.run(config.startupGracePeriod + 2 * config.leaderElectionDuration);
    expect(c.leaders().sort()).toEqual(['p01', 'p02']);
    c.network.heal();
    expect(c.runUntilConverged(3 * t)).toBeDefined();
    expect(c.leaders()).toEqual(['p01']);
    const loser = c.peer('p02').callbacks;
    expect(loser.at(-1)).toMatchObject({ isLeader: false, info: { leaderId: 'p01' } });
  });

  it('when the leader stops, the lowest remaining id takes over', () => {
    const c = cluster(3);
    c.startAll(shuffled(ids(6), 3));
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    expect(c.leaders()).toEqual(['p01']);
    c.stop('p01');
    expect(c.runUntilConverged(3 * t)).toBeDefined();
    expect(c.leaders()).toEqual(['p02']);
  });

  it('a yielding leader hands over and does not take it back while yielding', () => {
    const c = cluster(4);
    c.startAll(ids(3));
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    const p01 = c.election('p01');
    const calls = c.peer('p01').callbacks.length;
    p01.yield();
    // The callback ran synchronously inside yield().
    expect(c.peer('p01').callbacks.length).toBe(calls + 1);
    expect(c.peer('p01').callbacks.at(-1)?.isLeader).toBe(false);
    expect(p01.isLeader()).toBe(false);
    // One hop: the yielder follows the successor it named at once, as its followers do.
    expect(p01.leaderId()).toBe('p02');
    expect(p01.state().yielding).toBe(true);
    let p01LedAgain = false;
    c.runUntil(() => {
      if (p01.isLeader()) p01LedAgain = true;
      return false;
    }, 7 * t);
    expect(p01LedAgain).toBe(false);
    expect(c.leaders()).toEqual(['p02']);
    expect(p01.leaderId()).toBe('p02');
  });

  it('a leader yielding to a named successor hands over to it, not to the lowest id, and it keeps the role', () => {
    const c = cluster(6);
    c.startAll(ids(4));
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    c.election('p01').yield('p03');
    expect(c.election('p01').leaderId()).toBe('p03');
    expect(c.runUntilConverged(3 * t)).toBeDefined();
    expect(c.leaders()).toEqual(['p03']);
    // p02 has the lower id but does not contest a sitting leader.
    c.run(7 * t);
    expect(c.leaders()).toEqual(['p03']);
    for (const id of ids(4)) expect(c.election(id).leaderId()).toBe('p03');
  });

  it('a named successor outside the view is ignored: the lowest id succeeds', () => {
    const c = cluster(7);
    c.startAll(ids(3));
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    c.election('p01').yield('p99');
    expect(c.runUntilConverged(3 * t)).toBeDefined();
    expect(c.leaders()).toEqual(['p02']);
  });

  it('a second yield() does nothing, and a follower cannot yield', () => {
    const c = cluster(5);
    c.startAll(ids(3));
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    c.election('p02').yield();
    expect(c.peer('p02').callbacks).toEqual([]);
    c.election('p01').yield();
    const sent = c.network.stats.sent;
    const calls = c.peer('p01').callbacks.length;
    c.election('p01').yield();
    expect(c.network.stats.sent).toBe(sent);
    expect(c.peer('p01').callbacks.length).toBe(calls);
  });

  it('a lone peer that yields leads again', () => {
    const c = cluster(6);
    c.start('solo');
    c.runUntil(() => c.election('solo').isLeader(), config.startupGracePeriod + 2 * t);
    const termBefore = c.election('solo').term;
    c.election('solo').yield();
    expect(c.election('solo').isLeader()).toBe(false);
    // Fabric: it does not take part for 6 × T, then elects itself again.
    c.run(6 * t - 1);
    expect(c.election('solo').isLeader()).toBe(false);
    expect(c.runUntil(() => c.election('solo').isLeader(), 2 * t)).toBe(true);
    expect(c.election('solo').term).toBeGreaterThan(termBefore);
  });

  it('two peers yielding in turn swap leadership', () => {
    const c = cluster(7);
    c.startAll(['a', 'b']);
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    expect(c.leaders()).toEqual(['a']);
    c.election('a').yield();
    expect(c.runUntilConverged(2 * t)).toBeDefined();
    expect(c.leaders()).toEqual(['b']);
    c.election('b').yield();
    expect(c.runUntilConverged(2 * t)).toBeDefined();
    expect(c.leaders()).toEqual(['a']);
  });

  it('a full partition makes every peer a leader, and healing leaves only the lowest id', () => {
    const c = cluster(8);
    const peers = ids(5);
    c.startAll(shuffled(peers, 8));
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    c.network.partition(peers.map((id) => [id]));
    expect(c.runUntil(() => c.leaders().length === peers.length, 3 * t)).toBe(true);
    c.network.heal();
    expect(c.runUntilConverged(3 * t)).toBeDefined();
    expect(c.leaders()).toEqual(['p01']);
  });

  it('callbacks and reportMetrics report each change', () => {
    const c = cluster(9);
    c.startAll(['a', 'b', 'c']);
    c.runUntilConverged(config.startupGracePeriod + 3 * config.leaderElectionDuration);
    c.election('a').yield(); // a: lost; b: gained
    c.runUntilConverged(2 * t);
    c.stop('b'); // b: lost; a (no longer yielding) or c: gained
    c.runUntilConverged(2 * t);
    const roles = (id: string) => c.peer(id).callbacks.map((call) => call.isLeader);
    expect(roles('a')).toEqual([true, false, true]);
    expect(roles('b')).toEqual([true, false]);
    expect(roles('c')).toEqual([]);
    // Every callback carries the term and leader of the moment; gains have strictly growing terms.
    const gains = ['a', 'b']
      .flatMap((id) =>
        c
          .peer(id)
          .callbacks.filter((call) => call.isLeader)
          .map((call) => call),
      )
      .sort((x, y) => x.at - y.at);
    expect(gains.map((g) => g.info.term)).toEqual([1, 2, 3]);
    // reportMetrics saw each role change, in order (repeats are the leader's rounds).
    const changes = (id: string) =>
      c
        .peer(id)
        .metrics.map((m) => m.isLeader)
        .filter((v, i, all) => i === 0 || all[i - 1] !== v);
    expect(changes('a')).toEqual([true, false, true]);
    expect(changes('b')).toEqual([false, true, false]);
  });
});
