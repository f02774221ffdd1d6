import { type Clock, compareIds, type PeerId } from '@conclave/election';
import { TokenBucket } from '@conclave/protocol';
import { type MeshTimings, meshLimits } from './limits';
import type { Link } from './link';
import { LinkProbe } from './link-probe';
import type { SimplePeerSignal } from './link-signal';
import type { PeerAgent } from './peer-agent';
import type { Transport } from './transport';

/** What the mesh's peer registry keeps about one peer: its current link, retries, negotiation and probe. */
export interface PeerEntry {
  readonly id: PeerId;
  /** This tab initiates WebRTC links to the peer: its id is the lower of the pair, ordered as the election orders ids. */
  readonly initiator: boolean;
  inRoom: boolean;
  /**
   * Announced by `peer-joined` rather than listed when this tab (re)joined: it may leave at once (an
   * outsider's join/leave storm), so its first WebRTC link waits `linkDeferMs`.
   */
  justJoined: boolean;
  link: Link | undefined;
  /** The link attempt `link` belongs to (WebRTC only). */
  session: string | undefined;
  /** The transport `link` goes through. */
  transport: Transport | undefined;
  startedAt: number;
  openTimer: unknown;
  retryTimer: unknown;
  attempts: number;
  /** Non-initiator: signals of a session whose offer has not arrived yet (bounded). */
  pendingSession: string | undefined;
  pendingSignals: SimplePeerSignal[];
  /** Whether `link` has opened. */
  opened: boolean;
  /** Round-trip sampling and the liveness probe (after signaling said `peer-left`). */
  readonly probe: LinkProbe;
  reported: readonly PeerId[];
  /** What the peer said it runs on (its first report is kept: a tab does not change browsers). */
  agent: PeerAgent | undefined;
  /** Whether the peer says its page is visible (its latest report; undefined until it reports). */
  visible: boolean | undefined;
  /** The smoothed round trip last shown, in whole ms (a change of it is a room change). */
  shownRttMs: number | undefined;
  readonly inbound: TokenBucket;
  lastLinkRequestAt: number;
}

/** A registry entry for a peer just heard of (no link yet), as seen from `selfId`. */
export function newPeerEntry(
  selfId: PeerId,
  id: PeerId,
  clock: Clock,
  timings: MeshTimings,
  sendPing: (n: number) => boolean,
): PeerEntry {
  return {
    id,
    initiator: compareIds(selfId, id) < 0,
    inRoom: false,
    justJoined: false,
    link: undefined,
    session: undefined,
    transport: undefined,
    startedAt: 0,
    openTimer: undefined,
    retryTimer: undefined,
    attempts: 0,
    pendingSession: undefined,
    pendingSignals: [],
    opened: false,
    probe: new LinkProbe(clock, timings, sendPing),
    reported: Object.freeze([]),
    agent: undefined,
    visible: undefined,
    shownRttMs: undefined,
    inbound: new TokenBucket(clock, meshLimits.inboundBurst, meshLimits.inboundPerSecond),
    lastLinkRequestAt: Number.NEGATIVE_INFINITY,
  };
}

/** Stops the entry's pending retry (or deferred first attempt), if any. */
export function clearRetry(entry: PeerEntry, clock: Clock): void {
  if (entry.retryTimer === undefined) return;
  clock.clearTimeout(entry.retryTimer);
  entry.retryTimer = undefined;
}
