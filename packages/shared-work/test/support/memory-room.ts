import type { PeerId } from '@conclave/election';
import type { Leadership, RoomCore } from '../../src/room-core';

type Listener<A extends unknown[]> = (...args: A) => void;

/** One payload on its way (or delivered). */
export interface Sent {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly payload: unknown;
}

/**
 * An in-memory room the test controls: which peers are linked, what each one believes about leadership,
 * and how messages travel (JSON round trip, after `latencyMs` on the global timers — fake ones in tests —
 * in send order per link). `drop` filters what is lost.
 */
export class MemoryNetwork {
  readonly cores = new Map<PeerId, MemoryRoomCore>();
  /** Every payload sent, in order (dropped ones too). */
  readonly sent: Sent[] = [];
  latencyMs = 1;
  drop: ((message: Sent) => boolean) | undefined;
  private readonly links = new Set<string>();

  /** Adds a peer linked to every present one (each side hears `onPeerLinked`). */
  add(id: PeerId): MemoryRoomCore {
    const core = new MemoryRoomCore(id, this);
    const others = [...this.cores.keys()];
    this.cores.set(id, core);
    for (const other of others) this.link(id, other);
    return core;
  }

  core(id: PeerId): MemoryRoomCore {
    const core = this.cores.get(id);
    if (core === undefined) throw new Error(`no peer ${id}`);
    return core;
  }

  link(a: PeerId, b: PeerId): void {
    if (this.links.has(linkKey(a, b))) return;
    this.links.add(linkKey(a, b));
    this.core(a).emitPeerJoined(b);
    this.core(b).emitPeerJoined(a);
  }

  unlink(a: PeerId, b: PeerId): void {
    this.links.delete(linkKey(a, b));
  }

  linked(a: PeerId, b: PeerId): boolean {
    return this.links.has(linkKey(a, b));
  }

  /** Every peer in `ids` (default: all) now believes `leaderId` leads `term`. */
  setLeader(
    leaderId: PeerId | undefined,
    term: number,
    ids: readonly PeerId[] = [...this.cores.keys()],
  ): void {
    for (const id of ids) this.core(id).setLeadership({ isLeader: id === leaderId, leaderId, term });
  }

  /** Payloads from `from` to `to` so far, of the shared-work kind `kind` (all kinds when omitted). */
  between(from: PeerId, to: PeerId, kind?: string): unknown[] {
    return this.sent
      .filter((m) => m.from === from && m.to === to)
      .map((m) => m.payload)
      .filter((p) => kind === undefined || (p as { kind?: unknown }).kind === kind);
  }

  /** Sends; false when the peers are not linked. */
  transmit(from: PeerId, to: PeerId, payload: unknown): boolean {
    if (!this.linked(from, to)) return false;
    const message: Sent = { from, to, payload: JSON.parse(JSON.stringify(payload)) as unknown };
    this.sent.push(message);
    if (this.drop?.(message)) return true;
    setTimeout(() => {
      if (this.linked(from, to)) this.cores.get(to)?.deliver(from, message.payload);
    }, this.latencyMs);
    return true;
  }
}

/** A {@link RoomCore} whose leadership view the test sets. */
export class MemoryRoomCore implements RoomCore {
  private current: Leadership = { isLeader: false, leaderId: undefined, term: 0 };
  private readonly leadershipListeners = new Set<Listener<[Leadership]>>();
  private readonly peerListeners = new Set<Listener<[PeerId]>>();
  private readonly appListeners = new Set<Listener<[PeerId, unknown]>>();

  constructor(
    readonly selfId: PeerId,
    private readonly network: MemoryNetwork,
  ) {}

  leadership(): Leadership {
    return this.current;
  }

  setLeadership(leadership: Leadership): void {
    this.current = leadership;
    for (const listener of [...this.leadershipListeners]) listener(leadership);
  }

  onLeadershipChange(listener: (leadership: Leadership) => void): () => void {
    return subscribe(this.leadershipListeners, listener);
  }

  peers(): readonly PeerId[] {
    return [...this.network.cores.keys()].filter(
      (id) => id !== this.selfId && this.network.linked(this.selfId, id),
    );
  }

  onPeerLinked(listener: (peer: PeerId) => void): () => void {
    return subscribe(this.peerListeners, listener);
  }

  sendTo(peer: PeerId, payload: unknown): boolean {
    return this.network.transmit(this.selfId, peer, payload);
  }

  broadcast(payload: unknown): void {
    for (const peer of this.peers()) this.network.transmit(this.selfId, peer, payload);
  }

  onAppMessage(listener: (from: PeerId, payload: unknown) => void): () => void {
    return subscribe(this.appListeners, listener);
  }

  /** Hands a payload to the listeners as if `from` had sent it (no JSON round trip: any value). */
  deliver(from: PeerId, payload: unknown): void {
    for (const listener of [...this.appListeners]) listener(from, payload);
  }

  emitPeerJoined(peer: PeerId): void {
    for (const listener of [...this.peerListeners]) listener(peer);
  }

  /** How many listeners of each kind are registered (to check dispose). */
  listenerCounts(): { leadership: number; peers: number; app: number } {
    return {
      leadership: this.leadershipListeners.size,
      peers: this.peerListeners.size,
      app: this.appListeners.size,
    };
  }
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

function linkKey(a: PeerId, b: PeerId): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
