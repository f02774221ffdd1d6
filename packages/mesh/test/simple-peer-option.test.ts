import { sharedWorkChannel } from '@conclave/shared-work';
import { type SignalingServer, startSignalingServer } from '@conclave/signaling';
import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../src/join-room';
import type { JoinRoomOptions, Room } from '../src/room-types';

/**
 * The `SimplePeer` option still takes simple-peer 9 itself (links default to simple-peer-light, its
 * stream-free fork): the constructor type-checks without a cast and two tabs link, elect and talk over it,
 * in Node over real WebRTC (@roamhq/wrtc).
 */
const servers: SignalingServer[] = [];
const rooms: Room[] = [];

afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.leave()));
  await Promise.all(servers.splice(0).map((srv) => srv.close()));
});

describe('the SimplePeer option', { timeout: 30_000 }, () => {
  it('links, elects and carries messages with simple-peer 9 as the peer constructor', async () => {
    const srv = await startSignalingServer({
      port: 0,
      key: 'mesh-simple-peer-option-key-0123',
      logLevel: 'silent',
    });
    servers.push(srv);
    let made = 0;
    class CountedSimplePeer extends SimplePeer {
      constructor(options?: SimplePeer.Options) {
        super(options);
        made += 1;
      }
    }
    const tab = async () => {
      const room = await joinRoom({
        signalingUrl: srv.url,
        room: 'simple-peer-9',
        wrtc: wrtc as unknown as JoinRoomOptions['wrtc'],
        SimplePeer: CountedSimplePeer,
        timers: 'page',
        transports: ['webrtc'],
      });
      rooms.push(room);
      return room;
    };
    const [a, b] = await Promise.all([tab(), tab()]);
    const open = (room: Room) => room.snapshot().peers.filter((peer) => peer.link === 'open').length;
    await vi.waitFor(() => expect([open(a), open(b)]).toEqual([1, 1]), { timeout: 10_000 });
    await vi.waitFor(
      () => {
        const leaders = [a, b].filter((room) => room.snapshot().role === 'leader');
        expect(leaders).toHaveLength(1);
        expect(b.snapshot().leaderId).toBe(a.snapshot().leaderId);
      },
      { timeout: 10_000 },
    );
    expect(made).toBeGreaterThanOrEqual(2); // one link end per tab, made by simple-peer 9

    const got: unknown[] = [];
    b.onAppMessage((from, payload) => {
      if ((payload as { ch?: unknown }).ch !== sharedWorkChannel) got.push([from, payload]);
    });
    expect(a.sendTo(b.selfId, { over: 'simple-peer 9' })).toBe(true);
    await vi.waitFor(() => expect(got).toEqual([[a.selfId, { over: 'simple-peer 9' }]]));
  });
});
