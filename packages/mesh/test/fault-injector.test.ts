import { VirtualClock } from '@conclave/election/simulation';
import { describe, expect, it } from 'vitest';
import { agreeOnOneLeader, electionsOn, leaders } from './elections';
import { FakeNetwork, fullyMeshed, settle } from './fake-network';

function faultyRoom(count: number) {
  const clock = new VirtualClock(1_000);
  const net = new FakeNetwork(clock);
  const meshes = Array.from({ length: count }, () => net.join(undefined, { faults: true }));
  settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
  const faults = meshes.map((m) => net.faults.get(m.selfId)!);
  return { clock, net, meshes, faults };
}

describe('fault injector', () => {
  it('cut: the peer leaves the view and nothing passes either way; heal restores it', () => {
    const { clock, meshes, faults } = faultyRoom(2);
    const [a, b] = meshes;
    let aGot = 0;
    let bGot = 0;
    a!.onApp.add(() => aGot++);
    b!.onApp.add(() => bGot++);
    faults[0]!.cut(b!.selfId);
    expect(a!.view()).toEqual([]);
    expect(a!.peers()[0]).toMatchObject({ id: b!.selfId, link: 'open' });
    expect(faults[0]!.faultOf(b!.selfId)).toBe('cut');
    expect(a!.send(b!.selfId, { ch: 'app', payload: 1 })).toBe(false);
    b!.send(a!.selfId, { ch: 'app', payload: 2 });
    clock.runFor(100);
    expect([aGot, bGot]).toEqual([0, 0]);
    expect(faults[0]!.dropped).toBeGreaterThanOrEqual(2);

    faults[0]!.heal();
    expect(a!.view()).toEqual([b!.selfId]);
    b!.send(a!.selfId, { ch: 'app', payload: 3 });
    a!.send(b!.selfId, { ch: 'app', payload: 4 });
    clock.runFor(100);
    expect([aGot, bGot]).toEqual([1, 1]);
  });

  it('deafTo: inbound from the peer is dropped, outbound still goes, the peer stays in the view', () => {
    const { clock, meshes, faults } = faultyRoom(2);
    const [a, b] = meshes;
    const got: string[] = [];
    a!.onApp.add(() => got.push('a'));
    b!.onApp.add(() => got.push('b'));
    faults[0]!.deafTo(b!.selfId);
    expect(a!.view()).toEqual([b!.selfId]);
    b!.send(a!.selfId, { ch: 'app', payload: 1 });
    a!.send(b!.selfId, { ch: 'app', payload: 2 });
    clock.runFor(100);
    expect(got).toEqual(['b']);
  });

  it('delayFrom: what arrives from the peer comes that much later, in order; 0 ends the delay', () => {
    const { clock, meshes, faults } = faultyRoom(2);
    const [a, b] = meshes;
    const got: unknown[] = [];
    a!.onApp.add((_from, payload) => got.push(payload));
    faults[0]!.delayFrom(b!.selfId, 300);
    expect(a!.view()).toEqual([b!.selfId]);
    b!.send(a!.selfId, { ch: 'app', payload: 1 });
    clock.runFor(100);
    b!.send(a!.selfId, { ch: 'app', payload: 2 });
    clock.runFor(150);
    expect(got).toEqual([]);
    faults[0]!.delayFrom(b!.selfId, 0);
    b!.send(a!.selfId, { ch: 'app', payload: 3 }); // not delayed, yet never ahead of the delayed ones
    clock.runFor(20);
    expect(got).toEqual([]);
    clock.runFor(400);
    expect(got).toEqual([1, 2, 3]);
  });

  it('rawSend: puts text as is on the open link (the peer validates it); nothing to a cut peer', () => {
    const { clock, meshes, faults } = faultyRoom(2);
    const [, b] = meshes;
    const got: unknown[] = [];
    b!.onApp.add((_from, payload) => got.push(payload));
    expect(faults[0]!.rawSend(b!.selfId, '{not json')).toBe(true);
    expect(faults[0]!.rawSend(b!.selfId, JSON.stringify({ ch: 'app', payload: 'raw' }))).toBe(true);
    clock.runFor(100);
    expect(b!.stats().dropped.badJson).toBe(1);
    expect(got).toEqual(['raw']);
    faults[0]!.cut(b!.selfId);
    expect(faults[0]!.rawSend(b!.selfId, '{}')).toBe(false);
  });

  it('refuses things that are not peer ids, and delays out of range, with typed errors', () => {
    const { faults } = faultyRoom(1);
    expect(() => faults[0]!.cut('nope')).toThrow(TypeError);
    expect(() => faults[0]!.deafTo(42 as unknown as string)).toThrow(TypeError);
    expect(() => faults[0]!.delayFrom('0'.repeat(32), -1)).toThrow(RangeError);
    expect(() => faults[0]!.delayFrom('0'.repeat(32), 1.5)).toThrow(RangeError);
  });

  it('a 3/3 split elects one leader per side; healing leaves one leader with a higher term', () => {
    const { clock, meshes, faults } = faultyRoom(6);
    const elections = electionsOn(clock, meshes);
    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one leader');
    const left = meshes.slice(0, 3).map((m) => m.selfId);
    const right = meshes.slice(3).map((m) => m.selfId);
    meshes.forEach((mesh, i) => {
      for (const peer of left.includes(mesh.selfId) ? right : left) faults[i]!.cut(peer);
    });
    const sides = [elections.slice(0, 3), elections.slice(3)];
    settle(clock, () => sides.every(agreeOnOneLeader), 5_000, 'one leader per side');
    const splitTerms = sides.map((side) => side[0]!.term);
    for (const table of faults) table.heal();
    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one leader after heal');
    expect(leaders(elections)).toHaveLength(1);
    expect(elections[0]!.term).toBeGreaterThan(Math.max(...splitTerms));
  });
});
