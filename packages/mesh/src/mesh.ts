import { type Clock, compareIds, type ElectionWireMessage, type PeerId } from '@conclave/election';
import { Listeners } from '@conclave/protocol';
import { admitInbound } from './inbound';
import { type MeshTimings, meshLimits, meshTimings } from './limits';
import { LinkLifecycle } from './link-lifecycle';
import { LinkNegotiation } from './link-negotiation';
import { type LinkSignal, parseLinkSignal } from './link-signal';
import { type MeshCounters, type MeshStats, newMeshCounters, snapshotCounters } from './mesh-stats';
import type { LinkClosedReason, MeshOptions, MeshPeer } from './mesh-types';
import type { PeerEntry } from './peer-entry';
import { PeerRegistry } from './peer-registry';
import { type Transport, webRtcTransport } from './transport';
import { type Envelope, encodeEnvelope } from './wire';

export type { LinkClosedReason, MeshOptions, MeshPeer } from './mesh-types';

/**
 * The data-channel mesh of one tab: one {@link Link} per peer in the room, created by the lower id of each
 * pair, negotiated through signaling, retried with backoff while the peer stays in the room. It validates
 * every inbound message (see `wire.ts`), attributes it to the link it arrived on, and exposes the view
 * (peers with an open link that no transport holds) to the election.
 *
 * This class assembles the parts and routes between them: the peer registry (`peer-registry.ts`), the link
 * lifecycle with its retries (`link-lifecycle.ts`), WebRTC negotiation (`link-negotiation.ts`), the inbound
 * pipeline (`inbound.ts`) and each link's probe (`link-probe.ts`).
 */
export class Mesh {
  readonly selfId: PeerId;
  readonly #options: MeshOptions;
  readonly #timings: MeshTimings;
  readonly #clock: Clock;
  readonly #counters: MeshCounters = newMeshCounters();
  readonly #registry: PeerRegistry;
  readonly #links: LinkLifecycle;
  readonly #negotiation: LinkNegotiation;
  #view: readonly PeerId[] = Object.freeze([]);
  /** Whether this tab's page is visible, as told to every peer. */
  #visible = true;
  #reportTimer: unknown;
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
    this.#transports =
      options.transports ?? (options.createLink ? [webRtcTransport(options.createLink)] : []);
    this.#registry = new PeerRegistry(
      this.selfId,
      this.#clock,
      this.#timings,
      options.maxPeers ?? meshLimits.maxPeers,
      this.#counters,
      (peer, n) => this.#sendText(peer, encodeEnvelope({ ch: 'ping', n })),
    );
    this.#links = new LinkLifecycle({
      clock: this.#clock,
      timings: this.#timings,
      counters: this.#counters,
      transports: this.#transports,
      registry: this.#registry,
      closed: () => this.#closed,
      events: {
        opened: (entry) => this.#linkOpened(entry),
        closed: (entry, reason) => this.#linkClosed(entry, reason),
        data: (entry, raw) => this.#receive(entry, raw),
        signal: (to, data) => this.#sendSignal(to, data),
        changed: () => this.onChange.emit(),
      },
    });
    this.#negotiation = new LinkNegotiation(this.#clock, this.#timings, this.#counters, this.#links);
    for (const transport of this.#transports) {
      this.#cleanups.push(
        transport.onReachable.add((peer, asked) => this.#links.reachable(peer, transport, asked)),
        transport.onGone.add((peer) => this.#links.gone(peer)),
      );
      const holdChanged = transport.onHoldChange?.add(() => this.#holdChanged());
      if (holdChanged) this.#cleanups.push(holdChanged);
    }
    this.#registry.pingPeriodically();
  }

  /** Peers with an open link that no transport holds, sorted; the same array until it changes. */
  view(): readonly PeerId[] {
    return this.#view;
  }

  /**
   * True while a peer that signaling reports in the room has no open link yet (and is not held): the
   * view is expected to grow. The election's start-up waits on it, bounded by its grace period.
   */
  linking(): boolean {
    for (const entry of this.#registry.values()) {
      if (entry.inRoom && entry.link?.state !== 'open' && !this.#held(entry.id)) return true;
    }
    return false;
  }

  /** Whether the open link to `peer` is through a transport that tells at once, both ways, of its end. */
  watches(peer: PeerId): boolean {
    const entry = this.#registry.get(peer);
    return entry?.link?.state === 'open' && entry.transport?.watches?.(peer) === true;
  }

  /** Every peer the mesh knows (in the room, or linked), ordered by id as the election orders ids. */
  peers(): MeshPeer[] {
    return this.#registry.sorted().map((entry) => ({
      id: entry.id,
      link: entry.link?.state ?? (entry.inRoom ? 'connecting' : 'closed'),
      inRoom: entry.inRoom,
      links: entry.reported,
      transport: entry.link ? entry.transport?.kind : undefined,
      agent: entry.agent,
      rttMs: entry.link ? entry.shownRttMs : undefined,
      visible: entry.link ? entry.visible : undefined,
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
    const entry = this.#registry.admit(peer);
    if (!entry) return;
    entry.inRoom = true;
    entry.justJoined = justJoined;
    entry.probe.cancel();
    if (!entry.link) this.#links.want(entry);
    this.onChange.emit();
  }

  /**
   * Signaling reports a peer gone. A link still connecting is dropped. An open one is probed: dropped only if
   * no pong comes within the link's own bound (RFC 6298 style; 500 ms before a round trip was measured), so a
   * crashed tab goes well under a second after signaling noticed (not the 15 s a dead data channel takes),
   * while one that only lost its signaling connection (or a restarting server's everyone-gone) keeps its
   * links. A watched link (a Web Lock tells its end) is probed only `watchedProbeDelayMs` later; a peer
   * leaving gracefully says `bye` first.
   */
  peerLeft(peer: PeerId): void {
    const entry = this.#registry.get(peer);
    if (this.#closed || !entry) return;
    entry.inRoom = false;
    this.#links.clearRetry(entry);
    if (entry.link?.state === 'open') {
      this.#probe(entry);
    } else {
      this.#links.dropLink(entry, 'peer-left');
      this.#registry.forgetIfIdle(entry);
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
    const entry = this.#registry.admit(from);
    if (!entry) return;
    if (!entry.inRoom) {
      entry.inRoom = true;
      entry.probe.cancel();
      this.onChange.emit();
    }
    this.#negotiation.receive(entry, signal);
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

  /** This tab's page turned visible or hidden: every linked peer is told (and peers linking later, at open). */
  setVisible(visible: boolean): void {
    if (visible === this.#visible) return;
    this.#visible = visible;
    this.broadcast({ ch: 'visible', visible });
  }

  /** True when no open link has data waiting to be sent. */
  drained(): boolean {
    return [...this.#registry.values()].every((entry) => !entry.link || entry.link.bufferedAmount() === 0);
  }

  /** Tells every linked peer `bye` (they drop the link at once); links stay open until {@link Mesh.close}. */
  sayBye(): void {
    const text = encodeEnvelope({ ch: 'bye' });
    for (const entry of this.#registry.values())
      if (entry.link?.state === 'open') this.#sendText(entry.id, text);
  }

  /** Destroys every link and timer. The mesh stays closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.clearTimeout(this.#reportTimer);
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    for (const transport of this.#transports) transport.close();
    for (const entry of [...this.#registry.values()]) {
      this.#links.clearRetry(entry);
      entry.probe.reset();
      this.#links.dropLink(entry, 'left');
    }
    this.#registry.clear();
    this.#updateView();
    this.onChange.emit();
  }

  /** How long a liveness probe of `peer`'s link would wait for its pong now (undefined: no such peer). */
  probeTimeoutMs(peer: PeerId): number | undefined {
    return this.#registry.get(peer)?.probe.timeoutMs();
  }

  /** Whether a transport holds `peer` out of the view (only the test fault wrapper does). */
  #held(peer: PeerId): boolean {
    return this.#transports.some((transport) => transport.holds?.(peer) === true);
  }

  #holdChanged(): void {
    if (this.#closed) return;
    this.#updateView();
    this.onChange.emit();
  }

  #sendSignal(to: PeerId, data: LinkSignal): void {
    this.#counters.signals.sent++;
    this.#options.sendSignal(to, data);
  }

  // ---- data --------------------------------------------------------------------------------------------

  #sendText(to: PeerId, text: string): boolean {
    const link = this.#registry.get(to)?.link;
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
        entry.reported = Object.freeze([...new Set(message.peers)].sort(compareIds));
        this.onChange.emit();
        return;
      case 'agent':
        if (entry.agent !== undefined) return;
        entry.agent = Object.freeze({ browser: message.browser, platform: message.platform });
        this.onChange.emit();
        return;
      case 'visible':
        if (entry.visible === message.visible) return;
        entry.visible = message.visible;
        this.onChange.emit();
        return;
      case 'bye':
        entry.inRoom = false;
        this.#links.clearRetry(entry);
        this.#links.dropLink(entry, 'bye');
        this.#registry.forgetIfIdle(entry);
        return;
      case 'ping':
        this.#sendText(entry.id, encodeEnvelope({ ch: 'pong', n: message.n }));
        return;
      case 'pong':
        entry.probe.pong(message.n);
        this.#showRtt(entry);
        return;
    }
  }

  /** A room change when the link's round trip, in whole ms, is not the one shown. */
  #showRtt(entry: PeerEntry): void {
    const rtt = entry.probe.rttMs;
    const shown = rtt === undefined ? undefined : Math.round(rtt);
    if (shown === entry.shownRttMs) return;
    entry.shownRttMs = shown;
    this.onChange.emit();
  }

  // ---- liveness probe ----------------------------------------------------------------------------------
  #probe(entry: PeerEntry): void {
    const dead = () => {
      if (entry.inRoom) return; // back in the room meanwhile: keep the link
      this.#links.dropLink(entry, 'peer-left');
      this.#registry.forgetIfIdle(entry);
      this.onChange.emit();
    };
    entry.probe.probe(dead, this.watches(entry.id) ? this.#timings.watchedProbeDelayMs : 0);
  }

  // ---- links opening and closing ----

  #linkOpened(entry: PeerEntry): void {
    this.#updateView();
    this.onLinkOpen.emit(entry.id);
    this.#sendText(entry.id, encodeEnvelope({ ch: 'links', peers: this.#view }));
    const agent = this.#options.agent;
    if (agent) this.#sendText(entry.id, encodeEnvelope({ ch: 'agent', ...agent }));
    this.#sendText(entry.id, encodeEnvelope({ ch: 'visible', visible: this.#visible }));
    entry.probe.ping();
    this.#scheduleReport();
    this.onChange.emit();
  }

  #linkClosed(entry: PeerEntry, reason: LinkClosedReason): void {
    this.#updateView();
    this.onLinkClosed.emit(entry.id, reason);
    this.#scheduleReport();
  }

  // ---- view and link reports ---------------------------------------------------------------------------

  #updateView(): void {
    const next = this.#registry
      .sorted()
      .filter((entry) => entry.link?.state === 'open' && !this.#held(entry.id))
      .map((entry) => entry.id);
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
