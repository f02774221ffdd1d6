import type { ClientToServerEvents, PeerId, ServerToClientEvents } from '@conclave/protocol';
import type { Server, Socket } from 'socket.io';
import type { SecretHash } from './room-secret';

/** A joined peer, as every server sees it (it travels in `socket.data` to the other servers). */
export interface PeerRecord {
  id: PeerId;
  room: string;
  /** The room's secret as hashed by its first joiner; null for an open room. */
  secret: SecretHash | null;
}

/** `socket.data`: set while the socket is in a room. */
export interface SocketData {
  peer?: PeerRecord;
}

/** Requests between servers sharing a Redis. */
export interface InterServerEvents {
  /** Disconnect the local socket holding `id` in `room` (it is being resumed elsewhere); ack when done. */
  takeover: (room: string, id: PeerId, ack: (found: boolean) => void) => void;
}

export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
