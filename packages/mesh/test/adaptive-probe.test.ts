import type { PeerId } from '@conclave/election';
import { VirtualClock } from '@conclave/election/simulation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meshTimings } from '../src/limits';
import type { Link, LinkCallbacks } from '../src/link';
import { Mesh } from '../src/mesh';
import { RttEstimator } from '../src/rtt-estimator';

const self = '1'.padStart(32, '0');
const peer = '2'.padStart(32, '0');

/** One mesh whose only link is scripted: each ping is answered after the next of `rtts` (none: unanswered). */
function scripted(clock: VirtualClock) {
  let callbacks: LinkCallbacks | undefined;
  const pings: number[] = [];
  const rtts: number[] = [];
  const pongAfter = (n: number, ms: number) => {
    clock.setTimeout(() => callbacks?.data(JSON.stringify({ ch: 'pong', n })), ms);
  };
  let created = 0;
  const link: Link = {
    peer,
    initiator: true,
    get state() {
      return opened ? 'open' : 'connecting';
    },
    signal: () => {},
    send: (text) => {
      const message = JSON.parse(text) as { ch: string; n?: number };
      if (message.ch === 'ping' && message.n !== undefined) {
        pings.push(message.n);
        const rtt = rtts.shift();
        if (rtt !== undefined) pongAfter(message.n, rtt);
      }
      return true;
    },
    bufferedAmount: () => 0,
    destroy: () => {},
  };
  let opened = false;
  const mesh = new Mesh({
    selfId: self,
    clock,
    sendSignal: () => {},
    createLink: (_peer: PeerId, _initiator: boolean, cb: LinkCallbacks) => {
      created++;
      callbacks = cb;
      return link;
    },
  });
  return {
    mesh,
    pings,
    rtts,
    created: () => created,
    open() {
      opened = true;
      callbacks?.open();
    },
  };
}

/** Joins the peer, opens the link and answers every sampling ping with the given round trips. */
function linkedWithSamples(clock: VirtualClock, rtts: readonly number[]) {
  const s = scripted(clock);
  s.rtts.push(...rtts);
  s.mesh.peerJoined(peer);
  clock.runFor(meshTimings.linkDeferMs);
  s.open();
  const pingsNeeded = rtts.length;
  clock.runFor(meshTimings.rttPingIntervalMs * pingsNeeded);
  expect(s.rtts).toEqual([]);
  clock.runFor(meshTimings.peerLeftProbeMaxMs); // the last pong is in
  return s;
}

describe('adaptive peer-left probe', () => {
  it('never drops a link whose pong arrives within its bound, and drops one whose pong comes later', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_500 }), { minLength: 0, maxLength: 12 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (rtts, fraction) => {
          const clock = new VirtualClock(0);
          const s = linkedWithSamples(clock, rtts);
          const bound = s.mesh.probeTimeoutMs(peer) ?? 0;
          s.rtts.push(Math.floor(bound * fraction));
          s.mesh.peerLeft(peer);
          clock.runFor(bound * 3);
          expect(s.mesh.view()).toEqual([peer]);

          // The same link whose probe pong comes just too late is dropped (the bound is real).
          const lateClock = new VirtualClock(0);
          const late = linkedWithSamples(lateClock, rtts);
          expect(late.mesh.probeTimeoutMs(peer)).toBe(bound);
          late.rtts.push(bound + 1);
          late.mesh.peerLeft(peer);
          lateClock.runFor(bound * 3 + 10);
          expect(late.mesh.view()).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives a fast link a short bound (with a floor) and a slow one a longer one', () => {
    const clock = new VirtualClock(0);
    const fast = linkedWithSamples(clock, [1, 2, 1, 1, 2, 1]);
    expect(fast.mesh.probeTimeoutMs(peer)).toBe(meshTimings.peerLeftProbeFloorMs);
    const slow = linkedWithSamples(new VirtualClock(0), [300, 320, 310, 305]);
    expect(slow.mesh.probeTimeoutMs(peer)).toBeGreaterThan(320);
    expect(slow.mesh.probeTimeoutMs(peer)).toBeLessThanOrEqual(meshTimings.peerLeftProbeMaxMs);
  });

  it('estimates like RFC 6298: first sample sets SRTT and RTTVAR = R/2', () => {
    const rtt = new RttEstimator(0, 500, 10_000);
    expect(rtt.timeoutMs()).toBe(500);
    rtt.sample(100);
    expect(rtt.timeoutMs()).toBe(100 + 4 * 50);
    rtt.sample(100);
    expect(rtt.srttMs).toBe(100);
    expect(rtt.timeoutMs()).toBe(100 + 4 * 37.5);
  });
});

describe('deferred WebRTC links', () => {
  it('starts no link for a peer that leaves within linkDeferMs, and one for a peer that stays', () => {
    const clock = new VirtualClock(0);
    const s = scripted(clock);
    s.mesh.peerJoined(peer);
    clock.runFor(Math.max(1, meshTimings.linkDeferMs - 1));
    expect(s.created()).toBe(0);
    s.mesh.peerLeft(peer);
    clock.runFor(10_000);
    expect(s.created()).toBe(0);
    expect(s.mesh.peers()).toEqual([]);

    s.mesh.peerJoined(peer);
    clock.runFor(meshTimings.linkDeferMs);
    expect(s.created()).toBe(1);
  });

  it('links at once to the members listed when this tab joins: they have stayed, only newcomers wait', () => {
    const clock = new VirtualClock(0);
    const s = scripted(clock);
    s.mesh.joined([peer]);
    clock.runFor(0);
    expect(s.created()).toBe(1);
  });
});
