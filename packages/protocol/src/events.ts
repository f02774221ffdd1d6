import type { SignalingErrorBody } from './errors';
import type { JoinRequest, SignalRequest } from './schemas';

export type PeerId = string;

export type Failure = { ok: false; error: SignalingErrorBody };
export type Ack<T extends object = object> = ({ ok: true } & T) | Failure;

export type JoinResult = Ack<{
  /** This connection's id, assigned by the server. */
  id: PeerId;
  /** The other peers already in the room. */
  peers: PeerId[];
  /** Present it in a later `join` (same room) to keep `id` across a reconnect. */
  resume: string;
}>;

export interface SignalRelay {
  from: PeerId;
  data: Record<string, unknown>;
}

/** Events a client sends. Every one carries an acknowledgement callback. */
export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: (result: JoinResult) => void) => void;
  signal: (request: SignalRequest, ack: (result: Ack) => void) => void;
  leave: (ack: (result: Ack) => void) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  signal: (relay: SignalRelay) => void;
  'peer-joined': (event: { id: PeerId }) => void;
  'peer-left': (event: { id: PeerId }) => void;
  /** A request without an ack callback (or an unknown event) failed: the error comes here instead. */
  error: (error: SignalingErrorBody) => void;
  /** The server is shutting down; reconnect (with backoff) and rejoin with the resume token. */
  shutdown: (event: { reconnectAfterMs: number }) => void;
}
