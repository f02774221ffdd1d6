import type { RoomSnapshot } from '@conclave/mesh';

/** The one state the status banner shows. */
export type RoomStatus = 'connecting' | 'alone' | 'signaling-lost' | 'meshed' | 'closed';

/** Number of peers this tab has an open data channel with (the election's view). */
export function openLinkCount(snapshot: RoomSnapshot): number {
  return snapshot.peers.filter((peer) => peer.link === 'open').length;
}

/** Which state to show for a snapshot; signaling trouble outranks being alone. */
export function roomStatus(snapshot: RoomSnapshot): RoomStatus {
  const links = openLinkCount(snapshot);
  switch (snapshot.signaling) {
    case 'closed':
      return 'closed';
    case 'connecting':
      return links === 0 ? 'connecting' : 'signaling-lost';
    case 'reconnecting':
      return 'signaling-lost';
    case 'connected':
      return links === 0 ? 'alone' : 'meshed';
  }
}
