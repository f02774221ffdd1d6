import { VirtualClock } from '@conclave/election/simulation';
import { describe, expect, it } from 'vitest';
import { meshLimits, meshTimings } from '../src/limits';
import { FakeNetwork, fullyMeshed, settle } from './fake-network';

function setup(count: number) {
  const clock = new VirtualClock(1_000);
  const net = new FakeNetwork(clock);
  const meshes = Array.from({ length: count }, () => net.join());
  return { clock, net, meshes };
}

describe('mesh formation', () => {
  it('links every pair of tabs, the lower id initiating, and reports who is linked to whom', () => {
    const { clock, meshes } = setup(4);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
    for (const mesh of meshes) {
      expect(mesh.view()).toEqual(meshes.filter((m) => m !== mesh).map((m) => m.selfId));
    }
    // Each peer reports its links; after the debounce every tab knows the whole picture.
    clock.runFor(meshTimings.linksReportDebounceMs + 50);
    const [first] = meshes;
    for (const peer of first!.peers()) {
      const others = meshes.map((m) => m.selfId).filter((id) => id !== peer.id);
      expect(peer.links).toEqual(others);
      expect(peer.link).toBe('open');
    }
    expect(first!.stats().links.opened).toBe(3);
  });

  it('keeps the same view array until the view changes (the election caches it)', () => {
    const { clock, meshes } = setup(3);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
    const view = meshes[0]!.view();
    clock.runFor(1_000);
    expect(meshes[0]!.view()).toBe(view);
  });

  it('a late joiner links with everyone already there', () => {
    const { clock, net, meshes } = setup(3);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'first three');
    const late = net.join();
    settle(clock, () => fullyMeshed([...meshes, late]), 1_000, 'late joiner linked');
  });

  it('says it is still linking while a peer in the room has no open link (the election waits on it)', () => {
    const { clock, net, meshes } = setup(3);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'first three');
    expect(meshes.some((m) => m.linking())).toBe(false);
    const late = net.join();
    settle(clock, () => late.peers().length === 3, 1_000, 'late joiner knows the room');
    expect(late.view().length).toBeLessThan(3);
    expect(late.linking()).toBe(true);
    settle(clock, () => fullyMeshed([...meshes, late]), 1_000, 'late joiner linked');
    expect(late.linking()).toBe(false);
  });
});

describe('peer-left policy: probe before dropping', () => {
  it('drops a crashed peer about peerLeftProbeMs after signaling noticed, long before a channel timeout', () => {
    const { clock, net, meshes } = setup(3);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
    const [a, b, c] = meshes as [(typeof meshes)[0], (typeof meshes)[0], (typeof meshes)[0]];
    const crashedAt = clock.now();
    net.crash(c.selfId, 50);
    settle(clock, () => !a.view().includes(c.selfId) && !b.view().includes(c.selfId), 5_000, 'crash noticed');
    const took = clock.now() - crashedAt;
    expect(took).toBeGreaterThanOrEqual(50 + meshTimings.peerLeftProbeMs);
    expect(took).toBeLessThan(50 + meshTimings.peerLeftProbeMs + 20);
    expect(a.peers().map((p) => p.id)).not.toContain(c.selfId);
  });

  it('keeps the link of a peer that only lost signaling (it answers the probe), and stays meshed when it returns', () => {
    const { clock, net, meshes } = setup(3);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
    const [a, , c] = meshes;
    const view = a!.view();
    net.loseSignaling(c!.selfId);
    clock.runFor(meshTimings.peerLeftProbeMs * 4);
    expect(a!.view()).toBe(view);
    expect(a!.peers().find((p) => p.id === c!.selfId)).toMatchObject({ link: 'open', inRoom: false });
    net.regainSignaling(c!.selfId);
    clock.runFor(100);
    expect(a!.peers().find((p) => p.id === c!.selfId)).toMatchObject({ link: 'open', inRoom: true });
    expect(a!.stats().links.closed).toBe(0);
  });

  it('keeps the whole mesh when every tab loses signaling at once (a server restart)', () => {
    const { clock, net, meshes } = setup(4);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
    // The server drops its sockets one by one: the later ones hear that the earlier ones "left".
    for (const mesh of meshes) {
      net.loseSignaling(mesh.selfId);
      clock.runFor(20);
    }
    clock.runFor(2_000);
    expect(fullyMeshed(meshes)).toBe(true);
    for (const mesh of meshes) net.regainSignaling(mesh.selfId);
    clock.runFor(2_000);
    expect(fullyMeshed(meshes)).toBe(true);
    expect(meshes.map((m) => m.stats().links.closed)).toEqual([0, 0, 0, 0]);
  });

  it('drops the link at once on bye (graceful leave)', () => {
    const { clock, net, meshes } = setup(3);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'full mesh');
    const [a, b] = meshes;
    const leftAt = clock.now();
    net.leave(b!.selfId);
    settle(clock, () => !a!.view().includes(b!.selfId), 1_000, 'bye handled');
    expect(clock.now() - leftAt).toBeLessThanOrEqual(net.latencyMs);
    clock.runFor(5_000);
    expect(a!.peers().map((p) => p.id)).not.toContain(b!.selfId); // not retried
  });
});

describe('link repair', () => {
  it('the initiator re-links after a link breaks while both stay in the room', () => {
    const { clock, net, meshes } = setup(2);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'linked');
    const [low, high] = meshes;
    const brokeAt = clock.now();
    net.failLink(low!.selfId, high!.selfId);
    settle(clock, () => low!.view().length === 0 && high!.view().length === 0, 100, 'both ends closed');
    settle(clock, () => fullyMeshed(meshes), 10_000, 're-linked');
    expect(clock.now() - brokeAt).toBeGreaterThanOrEqual(meshTimings.retryBaseMs);
    expect(low!.stats().links).toMatchObject({ opened: 2, closed: 1 });
  });

  it('the non-initiating side asks for a fresh link (link-request) when only it lost the link', () => {
    const { clock, net, meshes } = setup(2);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'linked');
    const [low, high] = meshes;
    net.failLink(high!.selfId, low!.selfId, true);
    expect(high!.view()).toEqual([]);
    expect(low!.view()).toEqual([high!.selfId]); // the initiator has not noticed
    const failedAt = clock.now();
    settle(clock, () => high!.view().length === 1, 10_000, 're-linked');
    // The request goes out after the offer grace period; the initiator replaces its stale link.
    expect(clock.now() - failedAt).toBeGreaterThanOrEqual(meshTimings.offerGraceMs);
    expect(clock.now() - failedAt).toBeLessThan(meshTimings.offerGraceMs + 100);
    expect(fullyMeshed(meshes)).toBe(true);
    expect(low!.stats().links.closed).toBe(1);
  });

  it('drops signals of an abandoned attempt instead of feeding them to the current link', () => {
    const { clock, net, meshes } = setup(2);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'linked');
    const [low, high] = meshes;
    const stale = { v: 1, kind: 'sdp', session: 'old1', data: { type: 'answer', sdp: 'answer-99' } };
    net.injectSignal(high!.selfId, low!.selfId, stale);
    expect(low!.stats().signals.stale).toBe(1);
    expect(fullyMeshed(meshes)).toBe(true);
  });
});

describe('bounds', () => {
  it('refuses peers beyond maxPeers and counts them', () => {
    const clock = new VirtualClock(0);
    const net = new FakeNetwork(clock);
    const small = net.join(undefined, { maxPeers: 2 });
    const others = [net.join(), net.join(), net.join()];
    clock.runFor(2_000);
    expect(small.view()).toHaveLength(2);
    expect(small.stats().signals.refused).toBeGreaterThan(0);
    expect(others.filter((m) => m.view().includes(small.selfId))).toHaveLength(2);
  });

  it('rate-limits what one link may deliver', () => {
    const { clock, net, meshes } = setup(2);
    settle(clock, () => fullyMeshed(meshes), 1_000, 'linked');
    const [a, b] = meshes;
    let delivered = 0;
    a!.onApp.add(() => delivered++);
    for (let i = 0; i < meshLimits.inboundBurst + 100; i++) {
      net.sendRaw(b!.selfId, a!.selfId, JSON.stringify({ ch: 'app', payload: i }));
    }
    expect(delivered).toBe(meshLimits.inboundBurst);
    expect(a!.stats().dropped.rateLimited).toBe(100);
  });

  it('ignores invalid signal data and counts it', () => {
    const { net, meshes } = setup(2);
    const [a, b] = meshes;
    for (const junk of [
      null,
      1,
      'x',
      { v: 2 },
      { v: 1, kind: 'sdp', session: 'A!', data: {} },
      { kind: 'link-request' },
    ]) {
      net.injectSignal(b!.selfId, a!.selfId, junk);
    }
    expect(a!.stats().signals.invalid).toBe(6);
  });
});
