import { sharedWorkChannel } from '@conclave/shared-work';
import { type SignalingServer, startSignalingServer } from '@conclave/signaling';
import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { JoinRoomError } from '../src/errors';
import { joinRoom } from '../src/join-room';
import type { JoinRoomOptions, Room } from '../src/room-types';

/**
 * Real WebRTC in Node (@roamhq/wrtc through simple-peer's `wrtc` option) against a real signaling server:
 * the whole of joinRoom except the browser.
 */
const key = 'mesh-node-webrtc-key-0123456789';
const servers: SignalingServer[] = [];
const rooms: Room[] = [];

async function server(port = 0): Promise<SignalingServer> {
  const started = await startSignalingServer({
    port,
    key,
    logLevel: 'silent',
    reconnectAfterMs: 50,
    shutdownTimeoutMs: 500,
  });
  servers.push(started);
  return started;
}

async function tab(url: string, room: string, extra: Partial<JoinRoomOptions> = {}): Promise<Room> {
  const joined = await joinRoom({
    signalingUrl: url,
    room,
    wrtc: wrtc as unknown as JoinRoomOptions['wrtc'],
    timers: 'page',
    // Node has a BroadcastChannel too: these tests are about the WebRTC links.
    transports: ['webrtc'],
    ...extra,
  });
  rooms.push(joined);
  return joined;
}

function openLinks(room: Room): number {
  return room.snapshot().peers.filter((peer) => peer.link === 'open').length;
}

/** The leader all of `tabs` agree on (same id and term, exactly one says `leader`), or undefined. */
function agreedLeader(tabs: readonly Room[]): { id: string; term: number } | undefined {
  const snapshots = tabs.map((room) => room.snapshot());
  const leading = snapshots.filter((s) => s.role === 'leader');
  if (leading.length !== 1) return undefined;
  const { selfId: id, term } = leading[0]!;
  return snapshots.every((s) => s.leaderId === id && s.term === term) ? { id, term } : undefined;
}

async function untilAgreed(tabs: readonly Room[], timeout = 10_000) {
  return vi.waitFor(
    () => {
      const leader = agreedLeader(tabs);
      if (!leader) throw new Error('no agreed leader yet');
      return leader;
    },
    { timeout, interval: 10 },
  );
}

/** Makes `globalThis` an event target for the duration of `join`: the listeners joinRoom installs land on `page`. */
async function tabOnPage(
  url: string,
  room: string,
  page: EventTarget,
  listeners: Set<unknown>,
  extra: Partial<JoinRoomOptions> = {},
): Promise<Room> {
  const host = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  host.addEventListener = (type: string, fn: () => void) => {
    listeners.add(fn);
    page.addEventListener(type, fn);
  };
  host.removeEventListener = (type: string, fn: () => void) => {
    listeners.delete(fn);
    page.removeEventListener(type, fn);
  };
  try {
    return await tab(url, room, extra);
  } finally {
    delete host.addEventListener;
    delete host.removeEventListener;
  }
}

afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.leave()));
  await Promise.all(servers.splice(0).map((srv) => srv.close()));
});

describe('joinRoom in Node over real WebRTC', { timeout: 30_000 }, () => {
  it('three tabs form a full mesh and elect one leader; when it leaves another leads under a higher term', async () => {
    const srv = await server();
    const tabs = await Promise.all([0, 1, 2].map(() => tab(srv.url, 'three')));
    await vi.waitFor(() => expect(tabs.map(openLinks)).toEqual([2, 2, 2]), { timeout: 10_000 });
    const first = await untilAgreed(tabs);

    const leader = tabs.find((room) => room.selfId === first.id)!;
    const rest = tabs.filter((room) => room !== leader);
    const leftAt = performance.now();
    await leader.leave();
    const second = await untilAgreed(rest);
    expect(performance.now() - leftAt).toBeLessThan(1_000); // hand-over, not a liveness timeout
    expect(second.id).not.toBe(first.id);
    expect(second.term).toBeGreaterThan(first.term);
    expect(leader.snapshot().signaling).toBe('closed');
    for (const room of rest) {
      expect(room.snapshot().peers.map((p) => p.id)).not.toContain(leader.selfId);
    }
    // The abdication went out before the links closed: the successor took over by hand-over.
    const successor = rest.find((room) => room.selfId === second.id)!;
    const gained = successor.snapshot().events.filter((e) => e.type === 'leadership-gained');
    expect(gained.at(-1)).toMatchObject({ source: 'election', reason: 'handover' });
  });

  it('eight tabs mesh without a signal refused: re-gathered candidates are suppressed, signals paced', async () => {
    const srv = await server();
    const tabs = await Promise.all(Array.from({ length: 8 }, () => tab(srv.url, 'eight')));
    await vi.waitFor(() => expect(tabs.map(openLinks)).toEqual(Array(8).fill(7)), { timeout: 20_000 });
    await untilAgreed(tabs);
    for (const room of tabs) expect(room.stats().signaling.signalsFailed).toBe(0);
  });

  it('keeps the mesh and the leader through a signaling restart; a new tab then joins under the sitting leader', async () => {
    const srv = await server();
    const tabs = await Promise.all([0, 1, 2].map(() => tab(srv.url, 'restart')));
    const before = await untilAgreed(tabs);
    const port = srv.port;
    await srv.close();
    servers.splice(servers.indexOf(srv), 1);
    await vi.waitFor(() =>
      expect(tabs.map((room) => room.snapshot().signaling)).toEqual(Array(3).fill('reconnecting')),
    );
    expect(tabs.map(openLinks)).toEqual([2, 2, 2]);

    const restarted = await server(port);
    await vi.waitFor(
      () => expect(tabs.map((room) => room.snapshot().signaling)).toEqual(Array(3).fill('connected')),
      {
        timeout: 10_000,
      },
    );
    expect(agreedLeader(tabs)).toEqual(before);
    expect(tabs.map(openLinks)).toEqual([2, 2, 2]);

    const late = await tab(restarted.url, 'restart');
    await vi.waitFor(() => expect([...tabs, late].map(openLinks)).toEqual([3, 3, 3, 3]), { timeout: 10_000 });
    expect(await untilAgreed([...tabs, late])).toEqual(before);
  });

  it('delivers app messages with the sender the link proves, and keeps snapshots cached until a change', async () => {
    const srv = await server();
    const [a, b] = await Promise.all([tab(srv.url, 'app'), tab(srv.url, 'app')]);
    await untilAgreed([a!, b!]);
    const got: Array<[string, unknown]> = [];
    // Leader work shares the app channel (its catch-up may still be under way): keep only this test's payloads.
    b!.onAppMessage((from, payload) => {
      if ((payload as { ch?: unknown }).ch !== sharedWorkChannel) got.push([from, payload]);
    });
    expect(a!.sendTo(b!.selfId, { hello: 'b' })).toBe(true);
    a!.broadcast([1, 2, 3]);
    await vi.waitFor(() =>
      expect(got).toEqual([
        [a!.selfId, { hello: 'b' }],
        [a!.selfId, [1, 2, 3]],
      ]),
    );
    const snapshot = a!.snapshot();
    expect(a!.snapshot()).toBe(snapshot);
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(a!.sendTo('f'.repeat(32), 'nobody')).toBe(false);
  });

  it('with faults enabled, cut takes a peer out of the view and heal brings it back', async () => {
    const srv = await server();
    const [a, b] = await Promise.all([tab(srv.url, 'faults', { faults: true }), tab(srv.url, 'faults')]);
    await untilAgreed([a!, b!]);
    expect(b!.faults).toBeUndefined();
    a!.faults!.cut(b!.selfId);
    expect(a!.peers()).toEqual([]);
    expect(a!.snapshot().peers[0]).toMatchObject({ id: b!.selfId, link: 'open', fault: 'cut' });
    a!.faults!.heal();
    expect(a!.peers()).toEqual([b!.selfId]);
  });

  it('leaves gracefully on pagehide (the listener joinRoom installs), so the others take over at once', async () => {
    const srv = await server();
    const page = new EventTarget();
    const listeners = new Set<unknown>();
    const closing = await tabOnPage(srv.url, 'pagehide', page, listeners);
    expect(listeners.size).toBe(2); // pagehide, pageshow
    const other = await tab(srv.url, 'pagehide');
    await untilAgreed([closing, other]);
    const hiddenAt = performance.now();
    page.dispatchEvent(new Event('pagehide'));
    expect(closing.snapshot().signaling).toBe('closed');
    expect(listeners.size).toBe(0);
    await vi.waitFor(() => expect(other.snapshot().peers).toEqual([]), { timeout: 2_000, interval: 5 });
    await untilAgreed([other]);
    expect(performance.now() - hiddenAt).toBeLessThan(500);
  });

  it('goes into the back-forward cache and comes back under its id: hands over, then links and follows again', async () => {
    const srv = await server();
    const page = new EventTarget();
    const cached = await tabOnPage(srv.url, 'bfcache', page, new Set());
    const other = await tab(srv.url, 'bfcache');
    await untilAgreed([cached, other]);
    const selfId = cached.selfId;

    page.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
    expect(cached.snapshot()).toMatchObject({ leaderId: undefined, peers: [] });
    await vi.waitFor(() => expect(other.snapshot().peers).toEqual([]), { timeout: 2_000, interval: 5 });
    const alone = await untilAgreed([other]);
    expect(alone.id).toBe(other.selfId);

    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    const back = await untilAgreed([cached, other]);
    expect(cached.selfId).toBe(selfId);
    expect(back.id).toBe(other.selfId); // the sitting leader keeps the role
    expect(cached.snapshot().signaling).toBe('connected');
    expect(cached.stats().signaling.rejoins).toBe(1);
  });

  it('runs leader work through joinRoom: the leader counts, the follower sees it and calls the leader', async () => {
    const srv = await server();
    const [a, b] = await Promise.all([
      tab(srv.url, 'work', { sharedWork: { takeoverSyncMs: 100 } }),
      tab(srv.url, 'work', { sharedWork: { takeoverSyncMs: 100 } }),
    ]);
    const agreed = await untilAgreed([a!, b!]);
    const seen = new Map<string, number[]>();
    for (const room of [a!, b!]) {
      const counter = room.shared('counter', { schema: z.number().int() });
      const values: number[] = [];
      seen.set(room.selfId, values);
      counter.subscribe(({ value }) => values.push(value));
      room.runWhileLeader(({ signal, term }) => {
        const timer = setInterval(() => counter.publish((counter.get()?.value ?? 0) + 1, { term }), 20);
        signal.addEventListener('abort', () => clearInterval(timer));
      });
      room.serve('whoami', () => room.selfId);
    }
    const follower = [a!, b!].find((room) => room.selfId !== agreed.id)!;
    await vi.waitFor(() => expect(seen.get(follower.selfId)!.length).toBeGreaterThanOrEqual(3), {
      timeout: 5_000,
    });
    const values = seen.get(follower.selfId)!;
    expect(values).toEqual(values.map((_, index) => values[0]! + index));
    await expect(follower.callLeaderDetailed('whoami')).resolves.toMatchObject({
      value: agreed.id,
      leaderId: agreed.id,
      term: agreed.term,
    });
    expect(follower.stats().sharedWork.runningTasks).toBe(0);
    expect([a!, b!].find((room) => room.selfId === agreed.id)!.stats().sharedWork.runningTasks).toBe(1);
  });

  it('refuses bad options and environments without WebRTC with typed errors, starting nothing', async () => {
    const srv = await server();
    await expect(joinRoom({ signalingUrl: srv.url, room: 'no spaces!' })).rejects.toMatchObject({
      code: 'invalid-options',
    });
    await expect(
      joinRoom({ signalingUrl: srv.url, room: 'ok', election: { leaderAliveThreshold: -1 } }),
    ).rejects.toMatchObject({ code: 'invalid-options' });
    await expect(
      joinRoom({
        signalingUrl: srv.url,
        room: 'ok',
        iceTransportPolicy: 'turn-only' as RTCIceTransportPolicy,
      }),
    ).rejects.toMatchObject({ code: 'invalid-options' });
    await expect(joinRoom({ signalingUrl: srv.url, room: 'ok' })).rejects.toBeInstanceOf(JoinRoomError);
    await expect(joinRoom({ signalingUrl: srv.url, room: 'ok' })).rejects.toMatchObject({
      code: 'no-webrtc',
    });
  });
});
