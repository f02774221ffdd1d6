import type { Clock, PeerId } from '@conclave/election';
import type { MeshTimings } from './limits';
import type { LinkFactory, LinkState } from './link';
import type { LinkSignal } from './link-signal';
import type { PeerAgent } from './peer-agent';
import type { Transport, TransportKind } from './transport';

/** Options of a {@link Mesh}. */
export interface MeshOptions {
  readonly selfId: PeerId;
  /**
   * The transports, in order of preference: a peer is linked through the first that reaches it. Default:
   * WebRTC through `createLink`.
   */
  readonly transports?: readonly Transport[] | undefined;
  /** Shorthand for `transports: [webRtcTransport(createLink)]`. */
  readonly createLink?: LinkFactory | undefined;
  /** Relays link signals through the signaling server (best effort; a lost signal ends in a retry). */
  readonly sendSignal: (to: PeerId, data: LinkSignal) => void;
  readonly clock: Clock;
  readonly timings?: Partial<MeshTimings> | undefined;
  /** What this tab tells each peer it runs on (once per link); nothing when absent. */
  readonly agent?: PeerAgent | undefined;
  /** Most peers this tab keeps links with (default {@link meshLimits.maxPeers}). */
  readonly maxPeers?: number | undefined;
}

/** One peer as the mesh knows it. */
export interface MeshPeer {
  readonly id: PeerId;
  /** `connecting` while a link is wanted (negotiating, or waiting for its offer or retry); `closed` only briefly. */
  readonly link: LinkState;
  /** Whether signaling lists it in the room. */
  readonly inRoom: boolean;
  /** The peers it last reported being linked to. */
  readonly links: readonly PeerId[];
  /** The transport of its current link, if any. */
  readonly transport: TransportKind | undefined;
  /** What it says it runs on, if it said. */
  readonly agent: PeerAgent | undefined;
  /** The link's smoothed round trip in ms, once measured (every link at open; WebRTC ones every 5 s after). */
  readonly rttMs: number | undefined;
  /** Whether it says its page is visible, if it said. */
  readonly visible: boolean | undefined;
}

/** Why a link went away, for the timeline: `bye`, `peer-left`, `replaced`, `timeout`, `left`, or the link's own reason. */
export type LinkClosedReason = string;
