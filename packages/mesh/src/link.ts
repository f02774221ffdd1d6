import type { PeerId } from '@conclave/election';
import type { SimplePeerSignal } from './link-signal';

/** A link's lifecycle: negotiating, data channel open, or gone for good (a link never reopens). */
export type LinkState = 'connecting' | 'open' | 'closed';

/** What a link reports to the mesh. None of these is called after the mesh called {@link Link.destroy}. */
export interface LinkCallbacks {
  /** A signal (offer, answer, candidate) to relay to the remote through the signaling server. */
  signal(data: SimplePeerSignal): void;
  /** The data channel opened. */
  open(): void;
  /** A message arrived on the data channel, as received (the mesh validates it). */
  data(raw: string | Uint8Array): void;
  /** The link closed or failed on its own (remote went away, ICE failed...). */
  close(reason: string): void;
}

/**
 * One data-channel connection to one remote peer. `packages/mesh` implements it with simple-peer
 * (`simplePeerLinkFactory`); tests implement it in memory.
 */
export interface Link {
  readonly peer: PeerId;
  readonly initiator: boolean;
  readonly state: LinkState;
  /** Feed a signal the remote sent for this link. Never throws; a signal the link cannot use closes it. */
  signal(data: SimplePeerSignal): void;
  /** Sends a text message on the open data channel; false when it could not (not open, or it failed). */
  send(text: string): boolean;
  /** Bytes queued on the data channel and not yet sent. */
  bufferedAmount(): number;
  /** Close at once; no callback follows. Idempotent. */
  destroy(): void;
}

/** Creates the link to `peer`. May throw (e.g. no WebRTC in this environment); the mesh counts and retries. */
export type LinkFactory = (peer: PeerId, initiator: boolean, callbacks: LinkCallbacks) => Link;
