import type { Clock } from '@conclave/election';
import { type MeshTimings, meshLimits } from './limits';
import type { LinkLifecycle } from './link-lifecycle';
import type { LinkSignal, SimplePeerSignal } from './link-signal';
import type { MeshCounters } from './mesh-stats';
import type { PeerEntry } from './peer-entry';

/**
 * The WebRTC negotiation of one mesh: relayed link signals go to the attempt (`session`) they belong to, a
 * responder's new offer replaces its link, signals that arrive before their offer wait (bounded), and a
 * `link-request` makes the initiator start afresh (rate-limited). Anything stale is dropped and counted.
 */
export class LinkNegotiation {
  constructor(
    private readonly clock: Clock,
    private readonly timings: MeshTimings,
    private readonly counters: MeshCounters,
    private readonly links: LinkLifecycle,
  ) {}

  /** A valid link signal from `entry`'s peer, relayed by signaling. */
  receive(entry: PeerEntry, signal: LinkSignal): void {
    if (signal.kind === 'link-request') this.#linkRequested(entry);
    else if (entry.initiator) this.#initiatorSignal(entry, signal.session, signal.data);
    else this.#responderSignal(entry, signal.session, signal.data);
  }

  /** The other side has no link and asks for one: start a fresh attempt (unless one just started). */
  #linkRequested(entry: PeerEntry): void {
    const now = this.clock.now();
    const fresh = entry.link?.state === 'connecting' && now - entry.startedAt < this.timings.offerGraceMs;
    const transport = this.links.transportFor(entry.id);
    if (
      transport?.kind !== 'webrtc' ||
      !entry.initiator ||
      fresh ||
      now - entry.lastLinkRequestAt < this.timings.linkRequestMinIntervalMs
    ) {
      this.counters.signals.stale++;
      return;
    }
    entry.lastLinkRequestAt = now;
    this.links.dropLink(entry, 'replaced');
    entry.attempts = 0;
    this.links.startLink(entry, transport);
  }

  #initiatorSignal(entry: PeerEntry, session: string, data: SimplePeerSignal): void {
    if (!entry.link || entry.session !== session || data.type === 'offer') {
      this.counters.signals.stale++;
      return;
    }
    entry.link.signal(data);
  }

  /**
   * The answering side: signals of the current attempt go to its link; an offer of a new attempt replaces
   * the link (the initiator gave the old one up); other signals of an unknown attempt wait for its offer.
   */
  #responderSignal(entry: PeerEntry, session: string, data: SimplePeerSignal): void {
    if (entry.link && entry.session === session) {
      if (data.type === 'offer') this.counters.signals.stale++;
      else entry.link.signal(data);
      return;
    }
    if (data.type === 'offer') {
      // A peer linked (or reachable) through another transport, or too many attempts at once: refuse.
      const transport = this.links.transportFor(entry.id);
      const busy = this.links.attemptsInFlight() >= meshLimits.maxLinkAttemptsInFlight;
      if (transport?.kind !== 'webrtc' || busy || (entry.link && entry.transport !== transport)) {
        this.counters.signals.stale++;
        return;
      }
      this.links.dropLink(entry, 'replaced');
      const link = this.links.createLink(entry, transport, session);
      if (!link) return;
      link.signal(data);
      const pending = entry.pendingSession === session ? entry.pendingSignals : [];
      entry.pendingSession = undefined;
      entry.pendingSignals = [];
      for (const signal of pending) if (entry.link === link) link.signal(signal);
      return;
    }
    if (data.type === 'answer') {
      this.counters.signals.stale++;
      return;
    }
    if (entry.pendingSession !== session) {
      entry.pendingSession = session;
      entry.pendingSignals = [];
    }
    if (entry.pendingSignals.length >= meshLimits.maxPendingSignals) this.counters.signals.stale++;
    else entry.pendingSignals.push(data);
  }
}
