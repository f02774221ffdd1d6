import type { Clock, PeerId } from '@conclave/election';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';

/** Options of the signaling client (`signaling-client.ts`). */
export interface SignalingClientOptions {
  readonly url: string;
  readonly room: string;
  readonly secret?: string | undefined;
  /** Clock for retry timers. */
  readonly clock: Clock;
  /** How long a request waits for its acknowledgement (default 5 s). */
  readonly ackTimeoutMs?: number | undefined;
  /** Reconnection backoff: first delay and cap (socket.io's own reconnection, jittered ±50 %). */
  readonly reconnectDelayMs?: number | undefined;
  readonly reconnectDelayMaxMs?: number | undefined;
  /** Advanced: extra socket.io-client options (transports, path...). */
  readonly socketOptions?: Partial<ManagerOptions & SocketOptions> | undefined;
}

export type SignalingStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What the client counted since it started. */
export interface SignalingStats {
  /** Successful joins after the first (reconnects that got the room back). */
  readonly rejoins: number;
  /** Join attempts that failed or timed out. */
  readonly joinFailures: number;
  readonly signalsSent: number;
  /** Signals not sent (signaling down) or refused by the server. */
  readonly signalsFailed: number;
  /** Events from the server that failed validation. */
  readonly invalidEvents: number;
  /** `error` events from the server (a request it could not answer through its ack). */
  readonly serverErrors: number;
}

/** The room as a successful join reported it. */
export interface JoinedRoom {
  readonly id: PeerId;
  readonly peers: readonly PeerId[];
}
