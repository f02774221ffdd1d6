import { browserDefaults } from '@conclave/election';
import { VirtualClock } from '@conclave/election/simulation';
import { describe, expect, it } from 'vitest';
import { agreeOnOneLeader, electionsOn, leaders } from './elections';
import { FakeNetwork, fullyMeshed, settle } from './fake-network';

function room(count: number) {
  const clock = new VirtualClock(1_000);
  const net = new FakeNetwork(clock);
  const meshes = Array.from({ length: count }, () => net.join());
  const elections = electionsOn(clock, meshes);
  return { clock, net, meshes, elections };
}

describe('the election over the mesh adapter', () => {
  it('elects exactly one leader that every tab follows', () => {
    const { clock, meshes, elections } = room(5);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one leader');
    clock.runFor(10_000);
    expect(agreeOnOneLeader(elections)).toBe(true);
  });

  it('a tab alone in its room starts its election at once, before the first view sample', () => {
    const { clock, elections } = room(1);
    const startedAt = clock.now();
    settle(clock, () => elections[0]!.state().phase !== 'starting', 1_000, 'an election');
    expect(clock.now() - startedAt).toBeLessThan(browserDefaults.membershipSampleInterval);
  });

  it('a newcomer with the lowest id follows the sitting leader', () => {
    const { clock, net, meshes, elections } = room(4);
    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one leader');
    const [leaderId] = leaders(elections);
    const newcomer = net.join('0'.repeat(32)); // below every id the network hands out
    const all = [...elections, ...electionsOn(clock, [newcomer])];
    settle(clock, () => fullyMeshed([...meshes, newcomer]), 1_000, 'newcomer linked');
    settle(clock, () => agreeOnOneLeader(all), 2_000, 'newcomer follows');
    clock.runFor(5_000);
    expect(leaders(all)).toEqual([leaderId]);
    expect(agreeOnOneLeader(all)).toBe(true);
  });

  it('hands over at once when the leader stops and leaves (abdication, then bye)', () => {
    const { clock, net, meshes, elections } = room(4);
    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one leader');
    const [leaderId] = leaders(elections);
    const old = elections.find((e) => e.id === leaderId)!;
    const term = old.term;
    old.stop();
    net.leave(leaderId!);
    const rest = elections.filter((e) => e !== old);
    const stoppedAt = clock.now();
    settle(clock, () => agreeOnOneLeader(rest), 2_000, 'successor');
    expect(clock.now() - stoppedAt).toBeLessThan(50); // message delays, not timeouts
    expect(rest[0]!.term).toBeGreaterThan(term);
    // The followers adopt the successor on the abdication, which can be before the bye reaches them.
    const left = () =>
      meshes.filter((m) => m.selfId !== leaderId).every((m) => !m.view().includes(leaderId!));
    settle(clock, left, 2_000, 'the old leader leaves every view');
    expect(agreeOnOneLeader(rest)).toBe(true);
  });

  it('replaces a crashed leader after signaling reports it and the probe goes unanswered', () => {
    const { clock, net, elections } = room(4);
    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one leader');
    const [leaderId] = leaders(elections);
    net.crash(leaderId!, 100);
    const rest = elections.filter((e) => e.id !== leaderId);
    settle(clock, () => agreeOnOneLeader(rest), 5_000, 'successor');
  });

  it('keeps the leader when every tab loses signaling (the mesh does not depend on it)', () => {
    const { clock, net, meshes, elections } = room(4);
    settle(clock, () => agreeOnOneLeader(elections), 5_000, 'one leader');
    const before = elections.map((e) => [e.leaderId(), e.term]);
    for (const mesh of meshes) {
      net.loseSignaling(mesh.selfId);
      clock.runFor(20);
    }
    clock.runFor(5_000);
    for (const mesh of meshes) net.regainSignaling(mesh.selfId);
    clock.runFor(5_000);
    expect(elections.map((e) => [e.leaderId(), e.term])).toEqual(before);
  });
});
