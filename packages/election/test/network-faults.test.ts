import { describe, expect, it } from 'vitest';
import type { ElectionMessage } from '../src/index';
import { SimulatedNetwork, VirtualClock } from '../src/simulation/index';

describe('simulated network: one-way cuts and the tap', () => {
  function pair() {
    const clock = new VirtualClock();
    const network = new SimulatedNetwork(clock, { latency: { min: 2, max: 2 } });
    const [a, b] = network.joinAll(['a', 'b']) as [
      ReturnType<SimulatedNetwork['join']>,
      ReturnType<SimulatedNetwork['join']>,
    ];
    const got = { a: [] as string[], b: [] as string[] };
    a.onMessage((m) => got.a.push(m.type));
    b.onMessage((m) => got.b.push(m.type));
    return { clock, network, a, b, got };
  }

  it('a one-way cut loses one direction only, in flight too, and keeps both views until heal', () => {
    const { clock, network, a, b, got } = pair();
    a.gossip({ type: 'in-flight', sender: 'a' });
    network.cutOneWay('a', 'b');
    a.gossip({ type: 'a-to-b', sender: 'a' });
    b.gossip({ type: 'b-to-a', sender: 'b' });
    clock.runFor(10);
    expect(got).toEqual({ a: ['b-to-a'], b: [] });
    expect(network.view('a')).toEqual(['b']);
    expect(network.view('b')).toEqual(['a']);
    expect(network.stats.cut).toBe(2);
    network.heal();
    a.gossip({ type: 'after-heal', sender: 'a' });
    clock.runFor(10);
    expect(got.b).toEqual(['after-heal']);
  });

  it('the tap sees each message once when sent (the object later delivered) and once per delivery', () => {
    const { clock, network, a, b } = pair();
    const sent: Array<[string, ElectionMessage]> = [];
    const delivered: Array<[string, string, ElectionMessage]> = [];
    network.setTap({
      sent: (from, message) => sent.push([from, message]),
      delivered: (from, to, message) => delivered.push([from, to, message]),
    });
    a.gossip({ type: 'x', sender: 'forged' });
    b.send?.('a', { type: 'y', sender: 'b' });
    clock.runFor(10);
    network.cutOneWay('a', 'b');
    a.gossip({ type: 'lost', sender: 'a' });
    clock.runFor(10);
    expect(sent.map(([from, m]) => [from, m.type, m.sender])).toEqual([
      ['a', 'x', 'a'],
      ['b', 'y', 'b'],
      ['a', 'lost', 'a'],
    ]);
    expect(delivered.map(([from, to, m]) => [from, to, m.type])).toEqual([
      ['a', 'b', 'x'],
      ['b', 'a', 'y'],
    ]);
    expect(delivered[0]?.[2]).toBe(sent[0]?.[1]);
    expect(network.isListed('a')).toBe(true);
    network.leave('a');
    clock.runFor(10);
    expect(network.isListed('a')).toBe(false);
  });
});
