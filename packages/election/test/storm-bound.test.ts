import { describe, expect, it } from 'vitest';
import type { DeclarationMessage } from '../src/index';
import {
  defaultTaskBound,
  SimulatedCluster,
  SimulationStormError,
  VirtualClock,
} from '../src/simulation/index';

/**
 * A livelock or message storm must fail a simulated test fast, never hang it: the virtual clock bounds the
 * tasks run per simulated second, and every SimulatedCluster sets that bound by default.
 */
describe('storm bound', () => {
  it('a task loop that never lets time advance fails with a clear error', () => {
    const clock = new VirtualClock(0, { maxTasksPerSecond: 1_000 });
    const again = (): void => {
      clock.setTimeout(again, 0);
    };
    again();
    let error: unknown;
    try {
      clock.runFor(1);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(SimulationStormError);
    expect(String(error)).toMatch(/more than 1000 tasks in the simulated second starting at 0 ms/);
    expect(clock.now()).toBe(0);
  });

  it('counts per simulated second: the same number of tasks spread over seconds passes', () => {
    const clock = new VirtualClock(0, { maxTasksPerSecond: 100 });
    let runs = 0;
    const tick = (): void => {
      runs++;
      clock.setTimeout(tick, 10); // exactly 100 per simulated second
    };
    clock.setTimeout(tick, 10);
    clock.runFor(10_000);
    expect(runs).toBe(1_000);
    clock.maxTasksPerSecond = 99;
    expect(() => clock.runFor(2_000)).toThrow(SimulationStormError);
  });

  it('a cluster bounds its clock by default, growing with the peers started', () => {
    const cluster = new SimulatedCluster();
    expect(cluster.clock.maxTasksPerSecond).toBe(defaultTaskBound(0));
    cluster.startAll(['a', 'b', 'c']);
    expect(cluster.clock.maxTasksPerSecond).toBe(defaultTaskBound(3));
    expect(Number.isFinite(cluster.clock.maxTasksPerSecond)).toBe(true);
    expect(new SimulatedCluster({ maxTasksPerSecond: 7 }).clock.maxTasksPerSecond).toBe(7);
  });

  it('a storm whose messages multiply fails the run fast with the default bound', () => {
    const cluster = new SimulatedCluster({ latency: { min: 1, max: 3 } });
    cluster.startAll(['a', 'b']);
    expect(cluster.runUntilConverged(5_000)).toBeDefined();
    // A peer that outbids every declaration twice, like leaders whose step-down is broken: each declaration
    // makes the leader raise its term, and each raise brings two more declarations.
    const adapter = cluster.network.join('zz');
    const outbid = (term: number): DeclarationMessage => ({ type: 'declaration', sender: 'zz', term });
    adapter.onMessage((message) => {
      if (message.type !== 'declaration') return;
      const { term } = message as DeclarationMessage;
      adapter.gossip(outbid(term + 1));
      adapter.gossip(outbid(term + 1));
    });
    adapter.gossip(outbid(cluster.election('a').term + 1));
    expect(() => cluster.run(60_000)).toThrow(SimulationStormError);
    expect(cluster.clock.now()).toBeLessThan(60_000);
  });
});
