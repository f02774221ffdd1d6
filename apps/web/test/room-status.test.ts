import type { PeerInfo, RoomSnapshot } from '@conclave/mesh';
import { describe, expect, it } from 'vitest';
import { openLinkCount, roomStatus } from '../src/room-status';

function snapshot(signaling: RoomSnapshot['signaling'], links: PeerInfo['link'][]): RoomSnapshot {
  return {
    selfId: 'a',
    room: 'lobby',
    signaling,
    role: 'follower',
    leaderId: undefined,
    term: 0,
    peers: links.map((link, index) => ({ id: `p${index}`, link, links: [] })),
    events: [],
  };
}

describe('roomStatus', () => {
  it.each([
    ['connecting', [], 'connecting'],
    ['connected', [], 'alone'],
    ['connected', ['connecting', 'closed'], 'alone'],
    ['connected', ['open'], 'meshed'],
    ['reconnecting', ['open', 'open'], 'signaling-lost'],
    ['reconnecting', [], 'signaling-lost'],
    ['connecting', ['open'], 'signaling-lost'],
    ['closed', ['open'], 'closed'],
  ] as const)('signaling %s with links %j is %s', (signaling, links, expected) => {
    expect(roomStatus(snapshot(signaling, [...links]))).toBe(expected);
  });

  it('counts only open links', () => {
    expect(openLinkCount(snapshot('connected', ['open', 'connecting', 'closed', 'open']))).toBe(2);
  });
});
