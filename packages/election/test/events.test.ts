import { describe, expect, it } from 'vitest';
import { browserDefaults, createElection, type ElectionEventType } from '../src/index';
import { SimulatedCluster } from '../src/simulation/index';
import { manualAdapter } from './helpers';

const { leaderAliveThreshold: T, startupGracePeriod: grace } = browserDefaults;

describe('the event timeline (subscribe)', () => {
  it('tells the story of a leader: elected, yields, hands over, stops', () => {
    const c = new SimulatedCluster({ seed: 41 });
    c.startAll(['a', 'b', 'c']);
    c.runUntilConverged(grace + T);
    c.election('a').yield();
    c.runUntilConverged(T);
    c.stop('b');
    c.runUntilConverged(2 * T);
    c.run(T); // until b has left every view (a one-hop hand-over converges before that)
    c.stop('a');
    const story = (id: string) =>
      c.peer(id).events.map(({ event }) => [event.type, event.leaderId, event.term, event.reason]);
    expect(story('a')).toEqual([
      ['election-started', undefined, 0, 'startup'],
      ['leadership-gained', 'a', 1, 'elected'],
      ['leadership-lost', undefined, 1, 'yield'],
      ['yielded', undefined, 1, undefined],
      // One hop for the yielder too: it follows the successor it named at once.
      ['leader-changed', 'b', 2, 'handover'],
      ['leader-changed', undefined, 2, 'handover'],
      ['leadership-gained', 'a', 3, 'handover'],
      ['leadership-lost', undefined, 3, 'stop'],
      ['stopped', undefined, 3, undefined],
    ]);
    c.runUntilConverged(2 * T);
    expect(story('c')).toEqual([
      // One hop: c follows each successor (and its term) on the abdication, before the successor declares.
      ['leader-changed', 'a', 1, 'declaration'],
      ['leader-changed', 'b', 2, 'handover'],
      ['leader-changed', 'a', 3, 'handover'],
      ['leader-changed', undefined, 3, 'handover'],
      ['leadership-gained', 'c', 4, 'handover'],
    ]);
    // Each event carries the state after it, and times never go backwards.
    for (const { event, state } of c.peer('c').events) {
      expect(state.leaderId).toBe(event.leaderId);
      expect(state.term).toBe(event.term);
    }
    const times = c.peer('c').events.map(({ event }) => event.at);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('term-changed when a sitting leader rises above a term it saw', () => {
    const net = manualAdapter(['b']);
    const types: ElectionEventType[] = [];
    const election = createElection({ id: 'a', adapter: net.adapter, clock: net.clock });
    election.subscribe((event) => types.push(event.type));
    net.clock.runFor(grace + T);
    net.deliver({ type: 'declaration', sender: 'b', term: 4 });
    expect(types).toEqual(['election-started', 'leadership-gained', 'term-changed']);
    expect(election.term).toBe(5);
  });

  it('unsubscribe stops delivery; a throwing listener neither breaks the machine nor the other listeners', () => {
    const net = manualAdapter(['b']);
    const election = createElection({ id: 'a', adapter: net.adapter, clock: net.clock });
    const seen: string[] = [];
    const off = election.subscribe((event) => seen.push(`first:${event.type}`));
    let thrown = false;
    election.subscribe(() => {
      if (thrown) return;
      thrown = true;
      throw new Error('listener bug');
    });
    election.subscribe((event) => seen.push(`third:${event.type}`));
    off();
    // The listener's error surfaces on its own (a timer that throws), after the election's state is whole.
    expect(() => net.clock.runFor(grace + T)).toThrow('listener bug');
    expect(seen).toContain('third:election-started');
    expect(seen.some((entry) => entry.startsWith('first:'))).toBe(false);
    net.clock.runFor(grace + T);
    expect(election.isLeader()).toBe(true);
    expect(seen).toContain('third:leadership-gained');
  });

  it('a callback may yield from inside onLeadershipChange; callbacks stay in order', () => {
    const net = manualAdapter(['b']);
    const calls: boolean[] = [];
    const election = createElection({
      id: 'a',
      adapter: net.adapter,
      clock: net.clock,
      onLeadershipChange: (isLeader) => {
        calls.push(isLeader);
        if (isLeader) election.yield();
      },
    });
    net.clock.runFor(grace + T);
    expect(calls).toEqual([true, false]);
    expect(election.state()).toMatchObject({ role: 'follower', yielding: true });
  });
});
