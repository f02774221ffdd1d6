import { type Clock, type ElectionWireMessage, type PeerId, parseElectionMessage } from '@conclave/election';
import { CandidateFilter } from './candidate-filter';
import type { FaultTable, PeerFault } from './fault-injector';
import { type MeshTimings, meshLimits, meshTimings } from './limits';
import type { Link, LinkFactory, LinkState } from './link';
import { type LinkSignal, newSession, parseLinkSignal, type SimplePeerSignal } from './link-signal';
import { Listeners } from './listeners';
import { type MeshCounters, type MeshStats, newMeshCounters, snapshotCounters } from './mesh-stats';
import { TokenBucket } from './token-bucket';
import { decodeEnvelope, type Envelope, encodeEnvelope } from './wire';

export interface MeshOptions {
  readonly selfId: PeerId;
  readonly createLink: LinkFactory;
  /** Relays link signals through the signaling server (best effort; a lost signal ends in a retry). */
  readonly sendSignal: (to: PeerId, data: LinkSignal) => void;
  readonly clock: Clock;
  /** The fault table, when fault injection is enabled. */
  readonly faults?: FaultTable | undefined;
  readonly timings?: Partial<MeshTimings> | undefined;
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
  readonly fault: PeerFault | undefined;
}

/** Why a link went away, for the timeline: `bye`, `peer-left`, `replaced`, `timeout`, `left`, or the link's own reason. */
export type LinkClosedReason = string;

interface Entry {
  readonly id: PeerId;
  readonly initiator: boolean;
  inRoom: boolean;
  link: Link | undefined;
  /** The link attempt `link` belongs to. */
  session: string | undefined;
  startedAt: number;
  openTimer: unknown;
  retryTimer: unknown;
  attempts: number;
  /** Non-initiator: signals of a session whose offer has not arrived yet (bounded). */
  pendingSession: string | undefined;
  pendingSignals: SimplePeerSignal[];
  /** Whether `link` has opened. */
  opened: boolean;
  /** Outstanding liveness probe (after signaling said `peer-left`). */
  probe: { readonly n: number; readonly timer: unknown } | undefined;
  reported: readonly PeerId[];
  readonly inbound: TokenBucket;
  lastLinkRequestAt: number;
}

/**
 * The data-channel mesh of one tab: one {@link Link} per peer in the room, created by the lower id of each
 * pair, negotiated through signaling, retried with backoff while the peer stays in the room. It validates
 * every inbound message (see `wire.ts`), attributes it to the link it arrived on, and exposes the view
 * (peers with an open, uncut link) to the election.
 *
 * **When signaling says a peer left**, an open link is not trusted nor dropped blindly: the mesh pings the
 * peer over the data channel and drops the link only if no pong arrives within `peerLeftProbeMs` (500 ms).
 * A crashed tab is so dropped about 0.5 s after signaling noticed (instead of the 15 s a dead data channel
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
  readonly #entries = new Map<PeerId, Entry>();
  readonly #counters: MeshCounters = newMeshCounters();
  #view: readonly PeerId[] = Object.freeze([]);
  #reportTimer: unknown;
  #probeCounter = 0;
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
      }));
  }

  stats(): MeshStats {
    return snapshotCounters(this.#counters);
  }

  // ---- signaling input ---------------------------------------------------------------------------------

  /** The room's members as a (re)join reported them: links to the others are wanted; open links stay. */
  joined(peers: readonly PeerId[]): void {
    for (const peer of peers) this.peerJoined(peer);
  }

  /** Signaling reports a peer in the room. */
  peerJoined(peer: PeerId): void {
    if (this.#closed || peer === this.selfId) return;
    const entry = this.#entry(peer);
    if (!entry) return;
    entry.inRoom = true;
    this.#cancelProbe(entry);
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
      if (!entry.probe) this.#probe(entry);
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
      this.#cancelProbe(entry);
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
    for (const entry of [...this.#entries.values()]) {
      this.#clearRetry(entry);
      this.#cancelProbe(entry);
      this.#dropLink(entry, 'left');
    }
    this.#entries.clear();
    this.#updateView();
    this.onChange.emit();
  }

  /** Re-evaluates the view after the fault table changed. */
  faultsChanged(): void {
    this.#updateView();
    this.onChange.emit();
  }

  // ---- links -------------------------------------------------------------------------------------------

  #entry(peer: PeerId): Entry | undefined {
    let entry = this.#entries.get(peer);
    if (entry) return entry;
    if (this.#entries.size >= this.#maxPeers) {
      this.#counters.signals.refused++;
      return undefined;
    }
    entry = {
      id: peer,
      initiator: this.selfId < peer,
      inRoom: false,
      link: undefined,
      session: undefined,
      startedAt: 0,
      openTimer: undefined,
      retryTimer: undefined,
      attempts: 0,
      pendingSession: undefined,
      pendingSignals: [],
      opened: false,
      probe: undefined,
      reported: Object.freeze([]),
      inbound: new TokenBucket(this.#clock, meshLimits.inboundBurst, meshLimits.inboundPerSecond),
      lastLinkRequestAt: Number.NEGATIVE_INFINITY,
    };
    this.#entries.set(peer, entry);
    return entry;
  }

  /**
   * Wants a link to a peer in the room: the initiator starts one (at once the first time, after a growing
   * backoff later); the other side waits for the offer and asks for one (`link-request`) if none comes.
   */
  #want(entry: Entry): void {
    if (entry.retryTimer !== undefined || entry.link) return;
    if (entry.initiator && entry.attempts === 0) {
      this.#startLink(entry);
      return;
    }
    const backoff = Math.min(
      this.#timings.retryMaxMs,
      this.#timings.retryBaseMs * 2 ** Math.max(0, entry.attempts - 1),
    );
    const delay = entry.initiator ? backoff : Math.max(this.#timings.offerGraceMs, backoff);
    entry.retryTimer = this.#clock.setTimeout(() => {
      entry.retryTimer = undefined;
      if (this.#closed || !entry.inRoom || entry.link) return;
      if (entry.initiator) {
        this.#startLink(entry);
      } else {
        entry.attempts++;
        this.#sendSignal(entry.id, { v: 1, kind: 'link-request' });
        this.#want(entry);
      }
    }, delay);
  }

  #startLink(entry: Entry): void {
    this.#createLink(entry, newSession());
  }

  #createLink(entry: Entry, session: string): Link | undefined {
    this.#clearRetry(entry);
    let link: Link;
    const filter = new CandidateFilter(meshLimits.maxSignalsPerAttempt);
    const callbacks = {
      signal: (data: SimplePeerSignal) => {
        if (entry.link !== link) return;
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
      link = this.#options.createLink(entry.id, entry.initiator, callbacks);
    } catch {
      this.#counters.links.failed++;
      entry.attempts++;
      if (entry.inRoom) this.#want(entry);
      return undefined;
    }
    entry.link = link;
    entry.session = session;
    entry.opened = false;
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

  #linkOpened(entry: Entry): void {
    this.#clock.clearTimeout(entry.openTimer);
    entry.openTimer = undefined;
    entry.opened = true;
    entry.attempts = 0;
    this.#counters.links.opened++;
    this.#updateView();
    this.onLinkOpen.emit(entry.id);
    this.#sendText(entry.id, encodeEnvelope({ ch: 'links', peers: this.#view }));
    this.#scheduleReport();
    this.onChange.emit();
  }

  /** The current link closed by itself (or timed out): forget it, and retry while the peer is in the room. */
  #linkGone(entry: Entry, reason: LinkClosedReason): void {
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
  #dropLink(entry: Entry, reason: LinkClosedReason): void {
    const link = entry.link;
    if (!link) return;
    link.destroy();
    this.#detach(entry, reason);
    this.onChange.emit();
  }

  /** Forgets the current link and accounts for it: a closed link if it had opened, else a failed attempt. */
  #detach(entry: Entry, reason: LinkClosedReason): void {
    const wasOpen = entry.opened;
    entry.link = undefined;
    entry.session = undefined;
    entry.opened = false;
    entry.reported = Object.freeze([]);
    this.#clock.clearTimeout(entry.openTimer);
    entry.openTimer = undefined;
    this.#cancelProbe(entry);
    if (!wasOpen) {
      this.#counters.links.failed++;
      return;
    }
    this.#counters.links.closed++;
    this.#updateView();
    this.onLinkClosed.emit(entry.id, reason);
    this.#scheduleReport();
  }

  #forgetIfIdle(entry: Entry): void {
    if (!entry.inRoom && !entry.link && !entry.probe) {
      this.#clearRetry(entry);
      this.#entries.delete(entry.id);
    }
  }

  #clearRetry(entry: Entry): void {
    if (entry.retryTimer === undefined) return;
    this.#clock.clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
  }

  // ---- negotiation -------------------------------------------------------------------------------------

  /** The other side has no link and asks for one: start a fresh attempt (unless one just started). */
  #linkRequested(entry: Entry): void {
    const now = this.#clock.now();
    const fresh = entry.link?.state === 'connecting' && now - entry.startedAt < this.#timings.offerGraceMs;
    if (!entry.initiator || fresh || now - entry.lastLinkRequestAt < this.#timings.linkRequestMinIntervalMs) {
      this.#counters.signals.stale++;
      return;
    }
    entry.lastLinkRequestAt = now;
    this.#dropLink(entry, 'replaced');
    entry.attempts = 0;
    this.#startLink(entry);
  }

  #initiatorSignal(entry: Entry, session: string, data: SimplePeerSignal): void {
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
  #responderSignal(entry: Entry, session: string, data: SimplePeerSignal): void {
    if (entry.link && entry.session === session) {
      if (data.type === 'offer') this.#counters.signals.stale++;
      else entry.link.signal(data);
      return;
    }
    if (data.type === 'offer') {
      this.#dropLink(entry, 'replaced');
      const link = this.#createLink(entry, session);
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

  #receive(entry: Entry, raw: string | Uint8Array): void {
    this.#counters.received++;
    const dropped = this.#counters.dropped;
    if (this.#options.faults?.dropsInbound(entry.id)) {
      dropped.faulted++;
      return;
    }
    if (!entry.inbound.take()) {
      dropped.rateLimited++;
      return;
    }
    const decoded = decodeEnvelope(raw);
    if (!decoded.ok) {
      if (decoded.reason === 'oversize') dropped.oversize++;
      else if (decoded.reason === 'bad-json') dropped.badJson++;
      else dropped.badShape++;
      return;
    }
    const envelope = decoded.envelope;
    switch (envelope.ch) {
      case 'election': {
        const parsed = parseElectionMessage(envelope.msg);
        if (!parsed.ok) dropped.badElection++;
        else if (parsed.message.sender !== entry.id) dropped.spoofed++;
        else this.onElection.emit(entry.id, parsed.message);
        return;
      }
      case 'app':
        this.onApp.emit(entry.id, envelope.payload);
        return;
      case 'links':
        entry.reported = Object.freeze([...new Set(envelope.peers)].sort());
        this.onChange.emit();
        return;
      case 'bye':
        entry.inRoom = false;
        this.#clearRetry(entry);
        this.#dropLink(entry, 'bye');
        this.#forgetIfIdle(entry);
        return;
      case 'ping':
        this.#sendText(entry.id, encodeEnvelope({ ch: 'pong', n: envelope.n }));
        return;
      case 'pong':
        if (entry.probe?.n === envelope.n) this.#cancelProbe(entry);
        return;
    }
  }

  // ---- liveness probe ----------------------------------------------------------------------------------

  #probe(entry: Entry): void {
    const n = this.#probeCounter++ % 2 ** 31;
    const timer = this.#clock.setTimeout(() => {
      if (entry.probe?.timer !== timer) return;
      entry.probe = undefined;
      if (entry.inRoom) return; // back in the room meanwhile: keep the link
      this.#dropLink(entry, 'peer-left');
      this.#forgetIfIdle(entry);
    }, this.#timings.peerLeftProbeMs);
    entry.probe = { n, timer };
    this.#sendText(entry.id, encodeEnvelope({ ch: 'ping', n }));
  }

  #cancelProbe(entry: Entry): void {
    if (!entry.probe) return;
    this.#clock.clearTimeout(entry.probe.timer);
    entry.probe = undefined;
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
