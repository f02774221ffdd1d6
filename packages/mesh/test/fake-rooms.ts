import { setImmediate } from 'node:timers/promises';
import type { PeerId } from '@conclave/election';
import { VirtualClock } from '@conclave/election/simulation';
import { Listeners } from '@conclave/protocol';
import type { LeaderWorkOptions } from '@conclave/shared-work';
import type { JoinRoomError } from '../src/errors';
import type { LinkSignal } from '../src/link-signal';
import { createRoom, type MeshRoom, type RoomSignaling } from '../src/room';
import type { VisibilityOptions } from '../src/room-visibility';
import type { SignalingStats, SignalingStatus } from '../src/signaling-types';
import type { TimerClock } from '../src/worker-clock';
import { FakeNetwork } from './fake-network';

/**
 * Whole {@link MeshRoom}s (mesh, election, leader work) on one virtual clock: links come from
 * {@link FakeNetwork}, signaling from an in-memory hub that relays like the server (from the sender's real
 * id, after the latency) and announces joins and leaves. Each room gets its own disposable view of the clock,
 * as each tab has its own Worker clock.
 */
export class FakeRooms {
  readonly clock: VirtualClock;
  readonly net: FakeNetwork;
  readonly rooms = new Map<PeerId, MeshRoom>();
  readonly #signaling = new Map<PeerId, FakeSignaling>();
  readonly #clocks = new Map<PeerId, TimerClock>();

  constructor(
    private readonly sharedWork: Omit<LeaderWorkOptions, 'clock'> = {},
    latencyMs = 2,
  ) {
    this.clock = new VirtualClock(1_000);
    this.net = new FakeNetwork(this.clock, latencyMs);
  }

  /** A tab joins: the hub admits it (others hear `peer-joined`) and it builds its room. */
  join(visibility: VisibilityOptions = {}): MeshRoom {
    const id = this.net.newId();
    const others = [...this.#signaling.keys()];
    const signaling = new FakeSignaling(this, id);
    this.#signaling.set(id, signaling);
    for (const peer of others) this.#toClient(peer, (client) => client.onPeerJoined.emit(id));
    const clock = disposableView(this.clock);
    this.#clocks.set(id, clock);
    const room = createRoom({
      name: 'fake',
      signaling,
      joined: { id, peers: others },
      createLink: this.net.linkFactory(id),
      clock,
      sharedWork: this.sharedWork,
      ...visibility,
    });
    this.rooms.set(id, room);
    return room;
  }

  /** The tab dies without a word: its links go silent, its timers stop, signaling notices after 50 ms. */
  crash(id: PeerId): void {
    this.net.crash(id);
    this.#clocks.get(id)?.dispose();
    this.#signaling.delete(id);
    this.rooms.delete(id);
    this.clock.setTimeout(() => this.#announceLeft(id), 50);
  }

  /** Running rooms (not left, not crashed). */
  live(): MeshRoom[] {
    return [...this.rooms.values()].filter((room) => this.#signaling.has(room.selfId));
  }

  /** The leader every live room agrees on (one says leader, all follow it at its term), or undefined. */
  agreedLeader(): MeshRoom | undefined {
    const rooms = this.live();
    const leaders = rooms.filter((room) => room.leadership().isLeader);
    const [leader] = leaders;
    if (leader === undefined || leaders.length > 1) return undefined;
    const { term } = leader.leadership();
    const agreed = rooms.every((room) => {
      const seen = room.leadership();
      return seen.leaderId === leader.selfId && seen.term === term;
    });
    return agreed ? leader : undefined;
  }

  /**
   * Advances virtual time one task at a time until `condition` holds, letting promise callbacks (handlers,
   * answers) run between tasks as they would between a browser's timer callbacks. Throws after `ms`.
   */
  async until(condition: () => boolean, ms: number, what: string): Promise<void> {
    if (!(await this.#advance(condition, this.clock.now() + ms))) {
      throw new Error(`not within ${ms} virtual ms: ${what}`);
    }
  }

  /** Advances virtual time by `ms` (see {@link until}). */
  async run(ms: number): Promise<void> {
    await this.#advance(() => false, this.clock.now() + ms);
  }

  /** Waits (in virtual time) for a promise to settle, e.g. a call across the mesh; returns it. */
  async settle<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let settled = false;
    const markSettled = () => {
      settled = true;
    };
    promise.then(markSettled, markSettled);
    await this.until(() => settled, ms, what);
    return promise;
  }

  relay(from: PeerId, to: PeerId, data: LinkSignal): void {
    if (!this.#signaling.has(from)) return;
    const copy = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    this.#toClient(to, (client) => client.onSignal.emit(from, copy));
  }

  left(id: PeerId): void {
    if (!this.#signaling.delete(id)) return;
    this.#announceLeft(id);
  }

  /** A suspended tab's signaling reconnects under its id: others hear `peer-joined`, it gets the members. */
  rejoined(id: PeerId, client: FakeSignaling): void {
    const others = [...this.#signaling.keys()];
    this.#signaling.set(id, client);
    for (const peer of others) this.#toClient(peer, (other) => other.onPeerJoined.emit(id));
    this.#toClient(id, (self) => self.rejoin(others));
  }

  #announceLeft(id: PeerId): void {
    for (const peer of this.#signaling.keys()) {
      if (peer !== id) this.#toClient(peer, (client) => client.onPeerLeft.emit(id));
    }
  }

  async #advance(condition: () => boolean, deadline: number): Promise<boolean> {
    await setImmediate();
    for (;;) {
      if (condition()) return true;
      const next = this.clock.nextAt();
      if (next === undefined || next > deadline) break;
      this.clock.step();
      await setImmediate();
    }
    this.clock.runUntil(deadline);
    await setImmediate();
    return condition();
  }

  #toClient(id: PeerId, deliver: (client: FakeSignaling) => void): void {
    this.clock.setTimeout(() => {
      const client = this.#signaling.get(id);
      if (client !== undefined) deliver(client);
    }, this.net.latencyMs);
  }
}

/** The signaling side of one fake tab: always connected, relays through the {@link FakeRooms} hub. */
class FakeSignaling implements RoomSignaling {
  readonly onStatus = new Listeners<[status: SignalingStatus]>();
  readonly onPeerJoined = new Listeners<[peer: PeerId]>();
  readonly onPeerLeft = new Listeners<[peer: PeerId]>();
  readonly onSignal = new Listeners<[from: PeerId, data: Record<string, unknown>]>();
  readonly onRejoined = new Listeners<[peers: readonly PeerId[]]>();
  readonly onFatal = new Listeners<[error: JoinRoomError]>();
  status: SignalingStatus = 'connected';
  #sent = 0;

  constructor(
    private readonly hub: FakeRooms,
    private readonly id: PeerId,
  ) {}

  stats(): SignalingStats {
    return {
      rejoins: 0,
      joinFailures: 0,
      signalsSent: this.#sent,
      signalsFailed: 0,
      invalidEvents: 0,
      serverErrors: 0,
    };
  }

  signal(to: PeerId, data: LinkSignal): void {
    this.#sent++;
    this.hub.relay(this.id, to, data);
  }

  async leave(): Promise<void> {
    this.close();
  }

  close(): void {
    this.status = 'closed';
    this.hub.left(this.id);
  }

  suspend(): void {
    if (this.status === 'closed') return;
    this.#setStatus('reconnecting');
    this.hub.left(this.id);
  }

  resume(): void {
    if (this.status === 'reconnecting') this.hub.rejoined(this.id, this);
  }

  /** The hub's answer to {@link resume}. */
  rejoin(peers: readonly PeerId[]): void {
    this.#setStatus('connected');
    this.onRejoined.emit(peers);
  }

  #setStatus(status: SignalingStatus): void {
    this.status = status;
    this.onStatus.emit(status);
  }
}

/** One tab's view of the shared virtual clock: disposing it cancels that tab's timers only. */
function disposableView(clock: VirtualClock): TimerClock {
  const pending = new Set<unknown>();
  let disposed = false;
  return {
    kind: 'page',
    now: () => clock.now(),
    setTimeout(fn, ms) {
      if (disposed) return undefined;
      const handle = clock.setTimeout(() => {
        pending.delete(handle);
        fn();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      clock.clearTimeout(handle);
    },
    dispose() {
      disposed = true;
      for (const handle of pending) clock.clearTimeout(handle);
      pending.clear();
    },
  };
}
