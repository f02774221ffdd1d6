import type { Clock, ElectionWireMessage, PeerId } from '@conclave/election';
import { CandidateFilter } from './candidate-filter';
import { admitInbound } from './inbound';
import { type MeshTimings, meshLimits, meshTimings } from './limits';
import type { Link } from './link';
import { type LinkSignal, newSession, parseLinkSignal, type SimplePeerSignal } from './link-signal';
import { Listeners } from './listeners';
import { type MeshCounters, type MeshStats, newMeshCounters, snapshotCounters } from './mesh-stats';
import type { LinkClosedReason, MeshOptions, MeshPeer } from './mesh-types';
import { newPeerEntry, type PeerEntry } from './peer-entry';
import { type Transport, webRtcTransport } from './transport';
import { type Envelope, encodeEnvelope } from './wire';

export type { LinkClosedReason, MeshOptions, MeshPeer } from './mesh-types';

/**
 * The data-channel mesh of one tab: one {@link Link} per peer in the room, created by the lower id of each
 * pair, negotiated through signaling, retried with backoff while the peer stays in the room. It validates
 * every inbound message (see `wire.ts`), attributes it to the link it arrived on, and exposes the view
 * (peers with an open, uncut link) to the election.
 *
 * **When signaling says a peer left**, an open link is not trusted nor dropped blindly: the mesh pings the
 * peer over the data channel and drops the link only if no pong arrives within the link's own bound (its
 * measured round trips, RFC 6298 style; 500 ms before any was measured).
 * A crashed tab is so dropped well under a second after signaling noticed (instead of the 15 s a dead data channel
 * takes to close), while a tab that only lost its signaling connection (or a signaling server that restarts,
 * which reports everyone as gone) keeps its links, and the leader stays. A peer that leaves gracefully says
 * `bye` first and is dropped at once.
 */
export class Mesh {
  readonly selfId: PeerId;
  readonly #options: MeshOptions;
  readonly #timings: MeshTimings;
  readonly #maxPeers: number;
  readonly #clock: Clock;
  readonly #entries = new Map<PeerId, PeerEntry>();
  readonly #counters: MeshCounters = newMeshCounters();
  #view: readonly PeerId[] = Object.freeze([]);
  #reportTimer: unknown;
  #pingTimer: unknown;
  readonly #transports: readonly Transport[];
  readonly #cleanups: Array<() => void> = [];
  #closed = false;

  /** An election message from a peer in the view (sender already checked against the link). */
  readonly onElection = new Listeners<[from: PeerId, message: ElectionWireMessage]>();
  /** An application payload (not validated beyond JSON and size). */
  readonly onApp = new Listeners<[from: PeerId, payload: unknown]>();
  /** The view changed ({@link Mesh.view} returns a new array). */
  readonly onViewChange = new Listeners<[]>();
  readonly onLinkOpen = new Listeners<[peer: PeerId]>();
  readonly onLinkClosed = new Listeners<[peer: PeerId, reason: LinkClosedReason]>();
  /** Anything shown by {@link Mesh.peers} changed. */
  readonly onChange = new Listeners<[]>();

  constructor(options: MeshOptions) {
    this.selfId = options.selfId;
    this.#options = options;
    this.#clock = options.clock;
    this.#timings = { ...meshTimings, ...options.timings };
    this.#maxPeers = options.maxPeers ?? meshLimits.maxPeers;
    this.#transports =
      options.transports ?? (options.createLink ? [webRtcTransport(options.createLink)] : []);
    for (const transport of this.#transports) {
      this.#cleanups.push(
        transport.onReachable.add((peer, asked) => this.#reachable(peer, transport, asked)),
        transport.onGone.add((peer) => this.#gone(peer)),
      );
    }
    this.#schedulePings();
  }

  /** Peers with an open link that no fault cuts, sorted; the same array until it changes. */
  view(): readonly PeerId[] {
    return this.#view;
  }

  /**
   * True while a peer that signaling reports in the room has no open link yet (and no fault cuts it): the
   * view is expected to grow. The election's start-up waits on it, bounded by its grace period.
   */
  linking(): boolean {
    const faults = this.#options.faults;
    for (const entry of this.#entries.values()) {
      if (entry.inRoom && entry.link?.state !== 'open' && !faults?.dropsOutbound(entry.id)) return true;
    }
    return false;
  }

  /** Every peer the mesh knows (in the room, or linked), sorted by id. */
  peers(): MeshPeer[] {
    return [...this.#entries.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((entry) => ({
        id: entry.id,
        link: entry.link?.state ?? (entry.inRoom ? 'connecting' : 'closed'),
        inRoom: entry.inRoom,
        links: entry.reported,
        fault: this.#options.faults?.faultOf(entry.id),
        transport: entry.link ? entry.transport?.kind : undefined,
      }));
  }

  stats(): MeshStats {
    return snapshotCounters(this.#counters);
  }

  // ---- signaling input ---------------------------------------------------------------------------------

  /** The room's members as a (re)join reported them: links to the others are wanted; open links stay. */
  joined(peers: readonly PeerId[]): void {
    for (const peer of peers) this.#admit(peer, false);
  }

  /** Signaling reports a peer that just joined the room. */
  peerJoined(peer: PeerId): void {
    this.#admit(peer, true);
  }

  /**
   * A peer signaling lists in the room. Only one that just joined waits `linkDeferMs` for its first link:
   * the members listed at (re)join have stayed, and delaying them would only delay this tab's start-up.
   */
  #admit(peer: PeerId, justJoined: boolean): void {
    if (this.#closed || peer === this.selfId) return;
    const entry = this.#entry(peer);
    if (!entry) return;
    entry.inRoom = true;
    entry.justJoined = justJoined;
    entry.probe.cancel();
    if (!entry.link) this.#want(entry);
    this.onChange.emit();
  }

  /**
   * Signaling reports a peer gone. A link still connecting is dropped; an open one is probed (see the class
   * comment) and dropped if the peer does not answer in time.
   */
  peerLeft(peer: PeerId): void {
    const entry = this.#entries.get(peer);
    if (this.#closed || !entry) return;
    entry.inRoom = false;
    this.#clearRetry(entry);
    if (entry.link?.state === 'open') {
      this.#probe(entry);
    } else {
      this.#dropLink(entry, 'peer-left');
      this.#forgetIfIdle(entry);
    }
    this.onChange.emit();
  }

  /** Signal data relayed from `from` (a room member, as the server vouches). Invalid data is counted. */
  signal(from: PeerId, data: unknown): void {
    if (this.#closed || from === this.selfId) return;
    const signal = parseLinkSignal(data);
    if (!signal) {
      this.#counters.signals.invalid++;
      return;
    }
    const entry = this.#entry(from);
    if (!entry) return;
    if (!entry.inRoom) {
      entry.inRoom = true;
      entry.probe.cancel();
      this.onChange.emit();
    }
    if (signal.kind === 'link-request') this.#linkRequested(entry);
    else if (entry.initiator) this.#initiatorSignal(entry, signal.session, signal.data);
    else this.#responderSignal(entry, signal.session, signal.data);
  }

  // ---- sending -----------------------------------------------------------------------------------------

  /**
   * Sends to one peer; false when there is no open link, a fault cuts it, or its channel is backed up.
   * @throws {MeshPayloadError} when the envelope has no JSON form or is too large.
   */
  send(to: PeerId, envelope: Envelope): boolean {
    return this.#sendText(to, encodeEnvelope(envelope));
  }

  /**
   * Sends to every peer in the view; returns how many it went to.
   * @throws {MeshPayloadError} when the envelope has no JSON form or is too large.
   */
  broadcast(envelope: Envelope): number {
    const text = encodeEnvelope(envelope);
    let sent = 0;
    for (const peer of this.#view) if (this.#sendText(peer, text)) sent++;
    return sent;
  }

  /**
   * Test-only (the fault injector's `rawSend`): sends `text` without encoding or size check; false when
   * there is no open link, a fault cuts it, or its channel is backed up.
   */
  sendRaw(to: PeerId, text: string): boolean {
    return this.#sendText(to, text);
  }

  /** True when no open link has data waiting to be sent. */
  drained(): boolean {
    for (const entry of this.#entries.values())
      if (entry.link && entry.link.bufferedAmount() > 0) return false;
    return true;
  }

  /** Tells every linked peer `bye` (they drop the link at once); links stay open until {@link Mesh.close}. */
  sayBye(): void {
    const text = encodeEnvelope({ ch: 'bye' });
    for (const entry of this.#entries.values()) {
      if (entry.link?.state === 'open') this.#sendText(entry.id, text);
    }
  }

  /** Destroys every link and timer. The mesh stays closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.clearTimeout(this.#reportTimer);
    this.#clock.clearTimeout(this.#pingTimer);
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    for (const transport of this.#transports) transport.close();
    for (const entry of [...this.#entries.values()]) {
      this.#clearRetry(entry);
      entry.probe.reset();
      this.#dropLink(entry, 'left');
    }
    this.#entries.clear();
    this.#updateView();
    this.onChange.emit();
  }

  /** How long a liveness probe of `peer`'s link would wait for its pong now (undefined: no such peer). */
  probeTimeoutMs(peer: PeerId): number | undefined {
    return this.#entries.get(peer)?.probe.timeoutMs();
  }

  /** Re-evaluates the view after the fault table changed. */
  faultsChanged(): void {
    this.#updateView();
    this.onChange.emit();
  }

  // ---- links -------------------------------------------------------------------------------------------

  #entry(peer: PeerId): PeerEntry | undefined {
    const entry = this.#entries.get(peer);
    if (entry) return entry;
    if (this.#entries.size >= this.#maxPeers) {
      this.#counters.signals.refused++;
      return undefined;
    }
    const created = newPeerEntry(peer, this.selfId < peer, this.#clock, this.#timings, (n) =>
      this.#sendText(peer, encodeEnvelope({ ch: 'ping', n })),
    );
    this.#entries.set(peer, created);
    return created;
  }

  /** The transport preferred for `peer`: the first that reaches it. */
  #transportFor(peer: PeerId): Transport | undefined {
    return this.#transports.find((transport) => transport.reaches(peer));
  }

  /**
   * Wants a link to a peer in the room. Through a transport without negotiation (local) both sides open
   * theirs at once. Over WebRTC the initiator starts one at once for a member listed at join, once a peer
   * that just joined stayed `linkDeferMs` in the room, and after a growing backoff on later attempts; the
   * other side waits for the offer and asks for one (`link-request`) if none comes.
   */
  #want(entry: PeerEntry): void {
    if (entry.retryTimer !== undefined || entry.link) return;
    const transport = this.#transportFor(entry.id);
    if (!transport) return;
    const negotiated = transport.kind === 'webrtc';
    if (!negotiated && entry.attempts === 0) {
      this.#createLink(entry, transport, undefined);
      return;
    }
    const backoff = Math.min(
      this.#timings.retryMaxMs,
      this.#timings.retryBaseMs * 2 ** Math.max(0, entry.attempts - 1),
    );
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
      if (this.#closed || !entry.inRoom || entry.link) return;
      const now = this.#transportFor(entry.id);
      if (!now) return;
      if (now.kind !== 'webrtc') {
        this.#createLink(entry, now, undefined);
      } else if (entry.initiator) {
        this.#startLink(entry, now);
      } else {
        entry.attempts++;
        this.#sendSignal(entry.id, { v: 1, kind: 'link-request' });
        this.#want(entry);
      }
    }, delay);
  }

  /** WebRTC attempts negotiating now (each holds an RTCPeerConnection). */
  #attemptsInFlight(): number {
    let count = 0;
    for (const entry of this.#entries.values())
      if (entry.link && !entry.opened && entry.transport?.kind === 'webrtc') count++;
    return count;
  }

  #startLink(entry: PeerEntry, transport: Transport): void {
    if (this.#attemptsInFlight() >= meshLimits.maxLinkAttemptsInFlight) {
      // Wait for a slot without counting a failed attempt.
      this.#clearRetry(entry);
      entry.retryTimer = this.#clock.setTimeout(() => {
        entry.retryTimer = undefined;
        if (!this.#closed && entry.inRoom && !entry.link) this.#startLink(entry, transport);
      }, this.#timings.retryBaseMs);
      return;
    }
    this.#createLink(entry, transport, newSession());
  }

  /**
   * A transport now reaches `peer`: a peer waiting for (or negotiating) a WebRTC link moves to it; one whose
   * WebRTC link is open stays, unless the peer itself opened a link through the transport (`asked`).
   */
  #reachable(peer: PeerId, transport: Transport, asked: boolean): void {
    const entry = this.#entries.get(peer);
    if (this.#closed || !entry?.inRoom || this.#transportFor(peer) !== transport) return;
    if (entry.link && (entry.transport === transport || (entry.opened && !asked))) return;
    this.#dropLink(entry, 'replaced');
    this.#clearRetry(entry);
    entry.attempts = 0;
    this.#want(entry);
  }

  /** A transport knows `peer`'s tab is gone: drop it at once, without waiting for signaling or a probe. */
  #gone(peer: PeerId): void {
    const entry = this.#entries.get(peer);
    if (this.#closed || !entry) return;
    entry.inRoom = false;
    this.#clearRetry(entry);
    this.#dropLink(entry, 'gone');
    this.#forgetIfIdle(entry);
    this.onChange.emit();
  }

  #createLink(entry: PeerEntry, transport: Transport, session: string | undefined): Link | undefined {
    this.#clearRetry(entry);
    let link: Link;
    const filter = new CandidateFilter(meshLimits.maxSignalsPerAttempt);
    const callbacks = {
      signal: (data: SimplePeerSignal) => {
        if (entry.link !== link || session === undefined) return;
        if (filter.admit(data)) this.#sendSignal(entry.id, { v: 1, kind: 'sdp', session, data });
        else this.#counters.signals.suppressed++;
      },
      open: () => {
        if (entry.link === link) this.#linkOpened(entry);
      },
      data: (raw: string | Uint8Array) => {
        if (entry.link === link) this.#receive(entry, raw);
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
      if (entry.inRoom) this.#want(entry);
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
    this.onChange.emit();
    return link;
  }

  #linkOpened(entry: PeerEntry): void {
    this.#clock.clearTimeout(entry.openTimer);
    entry.openTimer = undefined;
    entry.opened = true;
    entry.attempts = 0;
    this.#counters.links.opened++;
    this.#updateView();
    this.onLinkOpen.emit(entry.id);
    this.#sendText(entry.id, encodeEnvelope({ ch: 'links', peers: this.#view }));
    entry.probe.ping();
    this.#scheduleReport();
    this.onChange.emit();
  }

  /** The current link closed by itself (or timed out): forget it, and retry while the peer is in the room. */
  #linkGone(entry: PeerEntry, reason: LinkClosedReason): void {
    if (!entry.link) return;
    this.#detach(entry, reason);
    if (!this.#closed && entry.inRoom) {
      entry.attempts++;
      this.#want(entry);
    } else {
      this.#forgetIfIdle(entry);
    }
    this.onChange.emit();
  }

  /** Destroys the current link (no callback comes from it); the caller decides about retries. */
  #dropLink(entry: PeerEntry, reason: LinkClosedReason): void {
    const link = entry.link;
    if (!link) return;
    link.destroy();
    this.#detach(entry, reason);
    this.onChange.emit();
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
    this.#updateView();
    this.onLinkClosed.emit(entry.id, reason);
    this.#scheduleReport();
  }

  #forgetIfIdle(entry: PeerEntry): void {
    if (!entry.inRoom && !entry.link && !entry.probe.probing) {
      this.#clearRetry(entry);
      this.#entries.delete(entry.id);
    }
  }

  #clearRetry(entry: PeerEntry): void {
    if (entry.retryTimer === undefined) return;
    this.#clock.clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
  }

  // ---- negotiation -------------------------------------------------------------------------------------

  /** The other side has no link and asks for one: start a fresh attempt (unless one just started). */
  #linkRequested(entry: PeerEntry): void {
    const now = this.#clock.now();
    const fresh = entry.link?.state === 'connecting' && now - entry.startedAt < this.#timings.offerGraceMs;
    const transport = this.#transportFor(entry.id);
    if (
      transport?.kind !== 'webrtc' ||
      !entry.initiator ||
      fresh ||
      now - entry.lastLinkRequestAt < this.#timings.linkRequestMinIntervalMs
    ) {
      this.#counters.signals.stale++;
      return;
    }
    entry.lastLinkRequestAt = now;
    this.#dropLink(entry, 'replaced');
    entry.attempts = 0;
    this.#startLink(entry, transport);
  }

  #initiatorSignal(entry: PeerEntry, session: string, data: SimplePeerSignal): void {
    if (!entry.link || entry.session !== session || data.type === 'offer') {
      this.#counters.signals.stale++;
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
      if (data.type === 'offer') this.#counters.signals.stale++;
      else entry.link.signal(data);
      return;
    }
    if (data.type === 'offer') {
      // A peer linked (or reachable) through another transport, or too many attempts at once: refuse.
      const transport = this.#transportFor(entry.id);
      const busy = this.#attemptsInFlight() >= meshLimits.maxLinkAttemptsInFlight;
      if (transport?.kind !== 'webrtc' || busy || (entry.link && entry.transport !== transport)) {
        this.#counters.signals.stale++;
        return;
      }
      this.#dropLink(entry, 'replaced');
      const link = this.#createLink(entry, transport, session);
      if (!link) return;
      link.signal(data);
      const pending = entry.pendingSession === session ? entry.pendingSignals : [];
      entry.pendingSession = undefined;
      entry.pendingSignals = [];
      for (const signal of pending) if (entry.link === link) link.signal(signal);
      return;
    }
    if (data.type === 'answer') {
      this.#counters.signals.stale++;
      return;
    }
    if (entry.pendingSession !== session) {
      entry.pendingSession = session;
      entry.pendingSignals = [];
    }
    if (entry.pendingSignals.length >= meshLimits.maxPendingSignals) this.#counters.signals.stale++;
    else entry.pendingSignals.push(data);
  }

  #sendSignal(to: PeerId, data: LinkSignal): void {
    this.#counters.signals.sent++;
    this.#options.sendSignal(to, data);
  }

  // ---- data --------------------------------------------------------------------------------------------

  #sendText(to: PeerId, text: string): boolean {
    if (this.#options.faults?.dropsOutbound(to)) {
      this.#counters.dropped.faulted++;
      return false;
    }
    const link = this.#entries.get(to)?.link;
    if (link?.state !== 'open') return false;
    if (link.bufferedAmount() > meshLimits.maxBufferedBytes) {
      this.#counters.dropped.backpressure++;
      return false;
    }
    if (!link.send(text)) return false;
    this.#counters.sent++;
    return true;
  }

  #receive(entry: PeerEntry, raw: string | Uint8Array): void {
    this.#counters.received++;
    if (this.#options.faults?.dropsInbound(entry.id)) {
      this.#counters.dropped.faulted++;
      return;
    }
    const message = admitInbound(entry.id, raw, entry.inbound, this.#counters);
    if (!message) return;
    switch (message.ch) {
      case 'election':
        this.onElection.emit(entry.id, message.message);
        return;
      case 'app':
        this.onApp.emit(entry.id, message.payload);
        return;
      case 'links':
        entry.reported = Object.freeze([...new Set(message.peers)].sort());
        this.onChange.emit();
        return;
      case 'bye':
        entry.inRoom = false;
        this.#clearRetry(entry);
        this.#dropLink(entry, 'bye');
        this.#forgetIfIdle(entry);
        return;
      case 'ping':
        this.#sendText(entry.id, encodeEnvelope({ ch: 'pong', n: message.n }));
        return;
      case 'pong':
        entry.probe.pong(message.n);
        return;
    }
  }

  // ---- liveness probe ----------------------------------------------------------------------------------

  #probe(entry: PeerEntry): void {
    entry.probe.probe(() => {
      if (entry.inRoom) return; // back in the room meanwhile: keep the link
      this.#dropLink(entry, 'peer-left');
      this.#forgetIfIdle(entry);
      this.onChange.emit();
    });
  }

  /** Samples every open link's round trip now and then, so a probe knows how long to wait. */
  #schedulePings(): void {
    this.#pingTimer = this.#clock.setTimeout(() => {
      if (this.#closed) return;
      for (const entry of this.#entries.values())
        if (entry.opened && !entry.transport?.noticesEnd) entry.probe.ping();
      this.#schedulePings();
    }, this.#timings.rttPingIntervalMs);
  }

  // ---- view and link reports ---------------------------------------------------------------------------

  #updateView(): void {
    const faults = this.#options.faults;
    const next = [...this.#entries.values()]
      .filter((entry) => entry.link?.state === 'open' && !faults?.dropsOutbound(entry.id))
      .map((entry) => entry.id)
      .sort();
    const same = next.length === this.#view.length && next.every((peer, i) => peer === this.#view[i]);
    if (same) return;
    this.#view = Object.freeze(next);
    this.#scheduleReport();
    this.onViewChange.emit();
  }

  #scheduleReport(): void {
    if (this.#reportTimer !== undefined || this.#closed) return;
    this.#reportTimer = this.#clock.setTimeout(() => {
      this.#reportTimer = undefined;
      if (this.#closed) return;
      const text = encodeEnvelope({ ch: 'links', peers: this.#view });
      for (const peer of this.#view) this.#sendText(peer, text);
    }, this.#timings.linksReportDebounceMs);
  }
}
