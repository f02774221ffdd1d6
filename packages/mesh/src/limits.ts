import type { Backoff } from '@conclave/protocol';

/**
 * Bounds of the mesh. Every size, queue, rate and list a peer (or the network) can grow is bounded by one
 * of these; what goes beyond is dropped and counted in {@link RoomStats}, never thrown at a peer.
 */
export const meshLimits = {
  /** Largest data-channel message, in UTF-8 bytes. Larger ones are dropped unparsed (inbound) or refused (outbound). */
  maxMessageBytes: 64 * 1024,
  /** Most peer ids in one `links` report (and most links this tab keeps: the server's default room capacity). */
  maxPeers: 64,
  /** Most events kept in the room's timeline. */
  maxEvents: 200,
  /** Outbound bytes a data channel may have buffered; messages beyond are dropped and counted. */
  maxBufferedBytes: 1024 * 1024,
  /** Inbound messages per link: a burst of this many, then {@link meshLimits.inboundPerSecond}. */
  inboundBurst: 400,
  /** Sustained inbound messages per second per link; the excess is dropped and counted. */
  inboundPerSecond: 200,
  /** Signals kept per peer while its link cannot take them yet (before the offer arrives). */
  maxPendingSignals: 32,
  /** Signals one link attempt relays at most (an offer or answer and its candidates; see CandidateFilter). */
  maxSignalsPerAttempt: 32,
  /** WebRTC link attempts (negotiating, not yet open) at once; further peers wait their turn. */
  maxLinkAttemptsInFlight: 8,
  /** Round-trip pings per link awaiting their pong; the oldest is forgotten beyond. */
  maxPingsInFlight: 4,
} as const;

/** Timings of the mesh, in milliseconds. */
export const meshTimings = {
  /** A link that has not opened by then is destroyed (and retried while the peer is in the room). */
  linkOpenTimeoutMs: 15_000,
  /** First retry delay after a link failed or closed while its peer is still in the room; doubles per attempt. */
  retryBaseMs: 500,
  /** Longest retry delay. */
  retryMaxMs: 8_000,
  /** How long the non-initiating side waits for the initiator's offer before asking for one. */
  offerGraceMs: 1_500,
  /**
   * After signaling reports `peer-left`, an open link gets SRTT + 4 × RTTVAR of its measured round trips to
   * answer a ping before it is destroyed, within these bounds; `peerLeftProbeMs` until a round trip is measured.
   */
  peerLeftProbeMs: 500,
  peerLeftProbeFloorMs: 100,
  peerLeftProbeMaxMs: 2_000,
  /**
   * A link whose end a Web Lock tells (watched, see `Mesh.watches`) is probed only this long after `peer-left`:
   * a crashed tab's lock ends it first, and the probe's ping would only add a post to the channel at the
   * moment every tab is busy failing over. It stays as the fallback.
   */
  watchedProbeDelayMs: 1_000,
  /** Each open link is pinged this often to measure its round trip (and once when it opens). */
  rttPingIntervalMs: 5_000,
  /**
   * A peer signaling reports in the room gets a WebRTC link only after it stayed this long (or sent its offer):
   * a peer that joins and leaves at once costs no RTCPeerConnection.
   */
  linkDeferMs: 200,
  /** Changes of this tab's links are reported to its peers at most this often. */
  linksReportDebounceMs: 100,
  /** A peer may ask for a fresh link at most this often (signaling `link-request`). */
  linkRequestMinIntervalMs: 1_000,
} as const;

export type MeshTimings = { -readonly [K in keyof typeof meshTimings]: number };

/**
 * Wait before the signaling client tries a failed join again (while connected): 500 ms doubling up to 5 s,
 * jittered ±50 % so the tabs a server restart dropped do not come back in step.
 */
export const joinRetryBackoff: Backoff = { firstMs: 500, maxMs: 5_000, jitter: 0.5 };

/**
 * Signal pacing: below the server's default per-socket limit (50 events/s plus a burst of 100), leaving room
 * for joins and leaves. A tab that links with 63 others at once sends a few hundred signals.
 */
export const signalPace = { burst: 80, perSecond: 40, maxQueue: 1_024 } as const;
/** Longest wait honoured from a `shutdown` notice. */
export const maxShutdownDelayMs = 30_000;
