import type { PeerId } from '@conclave/protocol';

// Socket.IO room names. Room names cannot contain '/', so these never collide with each other.

/** Every peer of `room`: broadcasts of `peer-joined` / `peer-left` go here. */
export function roomKey(room: string): string {
  return `r:${room}`;
}

/** The one peer `id` of `room`: a signal addressed here can only reach a peer of that room. */
export function peerKey(room: string, id: PeerId): string {
  return `p:${room}/${id}`;
}
