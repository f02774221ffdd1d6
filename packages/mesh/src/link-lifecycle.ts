import type { Clock, PeerId } from '@conclave/election';
import { backoffDelay } from '@conclave/protocol';
import { CandidateFilter } from './candidate-filter';
import { type MeshTimings, meshLimits } from './limits';
import type { Link } from './link';
import { type LinkSignal, newSession, type SimplePeerSignal } from './link-signal';
import type { MeshCounters } from './mesh-stats';
import type { LinkClosedReason } from './mesh-types';
import { clearRetry, type PeerEntry } from './peer-entry';
import type { PeerRegistry } from './peer-registry';
import type { Transport } from './transport';

/** What the link lifecycle tells the mesh. */
export interface LinkEvents {
  /** `entry`'s link opened (its state is already updated). */
  opened(entry: PeerEntry): void;
  /** `entry`'s open link went away (its state is already cleared). */
  closed(entry: PeerEntry, reason: LinkClosedReason): void;
  /** A message arrived on `entry`'s current link, unvalidated. */
  data(entry: PeerEntry, raw: string | Uint8Array): void;
  /** A link signal to relay to `to` through signaling. */
  signal(to: PeerId, data: LinkSignal): void;
  /** Anything shown by the mesh's peer list changed. */
  changed(): void;
}

export interface LinkLifecycleOptions {
  readonly clock: Clock;
  readonly timings: MeshTimings;
  readonly counters: MeshCounters;
  /** In order of preference: a peer is linked through the first that reaches it. */
  readonly transports: readonly Transport[];
  readonly registry: PeerRegistry;
  readonly events: LinkEvents;
  /** True once the mesh closed: no timer may start a link after that. */
  readonly closed: () => boolean;
}

/**
 * Every link's life: when one is wanted (at once, deferred, or after a growing backoff), which transport
 * carries it, the bound on WebRTC attempts negotiating at once, the open timeout, and what happens when a
 * link closes (retry while the peer stays in the room, else forget it).
 */
export class LinkLifecycle {
  readonly #clock: Clock;
  readonly #timings: MeshTimings;
  readonly #counters: MeshCounters;
  readonly #transports: readonly Transport[];
  readonly #registry: PeerRegistry;
  readonly #events: LinkEvents;
  readonly #closed: () => boolean;

  constructor(options: LinkLifecycleOptions) {
    this.#clock = options.clock;
    this.#timings = options.timings;
    this.#counters = options.counters;
    this.#transports = options.transports;
    this.#registry = options.registry;
    this.#events = options.events;
    this.#closed = options.closed;
  }

  /** The transport preferred for `peer`: the first that reaches it. */
  transportFor(peer: PeerId): Transport | undefined {
    return this.#transports.find((transport) => transport.reaches(peer));
  }

  /**
   * Wants a link to a peer in the room. Through a transport without negotiation (local) both sides open
   * theirs at once. Over WebRTC the initiator starts one at once for a member listed at join, once a peer
   * that just joined stayed `linkDeferMs` in the room, and after a growing backoff on later attempts; the
   * other side waits for the offer and asks for one (`link-request`) if none comes.
   */
  want(entry: PeerEntry): void {
    if (entry.retryTimer !== undefined || entry.link) return;
    const transport = this.transportFor(entry.id);
    if (!transport) return;
    const negotiated = transport.kind === 'webrtc';
    if (!negotiated && entry.attempts === 0) {
      this.createLink(entry, transport, undefined);
      return;
    }
    const backoff = backoffDelay(entry.attempts, {
      firstMs: this.#timings.retryBaseMs,
      maxMs: this.#timings.retryMaxMs,
    });
    // A member listed at join links at once, unless a local transport may still find it in this browser.
    const localPending = this.#transports.some((other) => other.kind !== 'webrtc');
    const first =
      entry.attempts > 0 ? backoff : entry.justJoined || localPending ? this.#timings.linkDeferMs : 0;
    const delay = !negotiated
      ? backoff
      : entry.initiator
        ? first
        : Math.max(this.#timings.offerGraceMs, backoff);
    entry.retryTimer = this.#clock.setTimeout(() => {
      entry.retryTimer = undefined;
      if (this.#closed() || !entry.inRoom || entry.link) return;
      const now = this.transportFor(entry.id);
      if (!now) return;
      if (now.kind !== 'webrtc') {
        this.createLink(entry, now, undefined);
      } else if (entry.initiator) {
        this.startLink(entry, now);
      } else {
        entry.attempts++;
        this.#events.signal(entry.id, { v: 1, kind: 'link-request' });
        this.want(entry);
      }
    }, delay);
  }

  /** WebRTC attempts negotiating now (each holds an RTCPeerConnection). */
  attemptsInFlight(): number {
    let count = 0;
    for (const entry of this.#registry.values())
      if (entry.link && !entry.opened && entry.transport?.kind === 'webrtc') count++;
    return count;
  }

  /** Starts a WebRTC attempt as the initiator, or waits for a slot while too many are in flight. */
  startLink(entry: PeerEntry, transport: Transport): void {
    if (this.attemptsInFlight() >= meshLimits.maxLinkAttemptsInFlight) {
      // Wait for a slot without counting a failed attempt.
      this.clearRetry(entry);
      entry.retryTimer = this.#clock.setTimeout(() => {
        entry.retryTimer = undefined;
        if (!this.#closed() && entry.inRoom && !entry.link) this.startLink(entry, transport);
      }, this.#timings.retryBaseMs);
      return;
    }
    this.createLink(entry, transport, newSession());
  }

  /**
   * A transport now reaches `peer`: a peer waiting for (or negotiating) a WebRTC link moves to it; one whose
   * WebRTC link is open stays, unless the peer itself opened a link through the transport (`asked`).
   */
  reachable(peer: PeerId, transport: Transport, asked: boolean): void {
    const entry = this.#registry.get(peer);
    if (this.#closed() || !entry?.inRoom || this.transportFor(peer) !== transport) return;
    if (entry.link && (entry.transport === transport || (entry.opened && !asked))) return;
    this.dropLink(entry, 'replaced');
    this.clearRetry(entry);
    entry.attempts = 0;
    this.want(entry);
  }

  /** A transport knows `peer`'s tab is gone: drop it at once, without waiting for signaling or a probe. */
  gone(peer: PeerId): void {
    const entry = this.#registry.get(peer);
    if (this.#closed() || !entry) return;
    entry.inRoom = false;
    this.clearRetry(entry);
    this.dropLink(entry, 'gone');
    this.#registry.forgetIfIdle(entry);
    this.#events.changed();
  }

  /** Opens a link through `transport` (`session`: the WebRTC attempt); undefined when the transport threw. */
  createLink(entry: PeerEntry, transport: Transport, session: string | undefined): Link | undefined {
    this.clearRetry(entry);
    let link: Link;
    const filter = new CandidateFilter(meshLimits.maxSignalsPerAttempt);
    const callbacks = {
      signal: (data: SimplePeerSignal) => {
        if (entry.link !== link || session === undefined) return;
        if (filter.admit(data)) this.#events.signal(entry.id, { v: 1, kind: 'sdp', session, data });
        else this.#counters.signals.suppressed++;
      },
      open: () => {
        if (entry.link === link) this.#linkOpened(entry);
      },
      data: (raw: string | Uint8Array) => {
        if (entry.link === link) this.#events.data(entry, raw);
      },
      close: (reason: string) => {
        if (entry.link === link) this.#linkGone(entry, reason);
      },
    };
    try {
      link = transport.createLink(entry.id, entry.initiator, callbacks);
    } catch {
      this.#counters.links.failed++;
      entry.attempts++;
      if (entry.inRoom) this.want(entry);
      return undefined;
    }
    entry.link = link;
    entry.session = session;
    entry.transport = transport;
    entry.opened = false;
    entry.probe.reset();
    entry.startedAt = this.#clock.now();
    entry.openTimer = this.#clock.setTimeout(() => {
      entry.openTimer = undefined;
      if (entry.link === link && link.state !== 'open') {
        link.destroy();
        this.#linkGone(entry, 'timeout');
      }
    }, this.#timings.linkOpenTimeoutMs);
    this.#events.changed();
    return link;
  }

  /** Destroys the current link (no callback comes from it); the caller decides about retries. */
  dropLink(entry: PeerEntry, reason: LinkClosedReason): void {
    const link = entry.link;
    if (!link) return;
    link.destroy();
    this.#detach(entry, reason);
    this.#events.changed();
  }

  clearRetry(entry: PeerEntry): void {
    clearRetry(entry, this.#clock);
  }

  #linkOpened(entry: PeerEntry): void {
    this.#clock.clearTimeout(entry.openTimer);
    entry.openTimer = undefined;
    entry.opened = true;
    entry.attempts = 0;
    this.#counters.links.opened++;
    this.#events.opened(entry);
  }

  /** The current link closed by itself (or timed out): forget it, and retry while the peer is in the room. */
  #linkGone(entry: PeerEntry, reason: LinkClosedReason): void {
    if (!entry.link) return;
    this.#detach(entry, reason);
    if (!this.#closed() && entry.inRoom) {
      entry.attempts++;
      this.want(entry);
    } else {
      this.#registry.forgetIfIdle(entry);
    }
    this.#events.changed();
  }

  /** Forgets the current link and accounts for it: a closed link if it had opened, else a failed attempt. */
  #detach(entry: PeerEntry, reason: LinkClosedReason): void {
    const wasOpen = entry.opened;
    entry.link = undefined;
    entry.session = undefined;
    entry.opened = false;
    entry.reported = Object.freeze([]);
    this.#clock.clearTimeout(entry.openTimer);
    entry.openTimer = undefined;
    entry.probe.reset();
    if (!wasOpen) {
      this.#counters.links.failed++;
      return;
    }
    this.#counters.links.closed++;
    this.#events.closed(entry, reason);
  }
}
