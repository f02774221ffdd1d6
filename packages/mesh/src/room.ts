import type { ElectionConfig, PeerId } from '@conclave/election';
import { Listeners } from '@conclave/protocol';
import {
  type CallHandler,
  type CallOptions,
  createLeaderWork,
  type LeaderCallResult,
  type Leadership,
  type LeaderTask,
  type LeaderWork,
  type LeaderWorkOptions,
  type ServeOptions,
  type SharedOptions,
  type SharedValue,
} from '@conclave/shared-work';
import { EventLog } from './event-log';
import { FaultTable } from './fault-injector';
import { type MeshTimings, meshLimits } from './limits';
import type { LinkFactory } from './link';
import { withFaultDrops } from './mesh-stats';
import type { PeerAgent } from './peer-agent';
import { RoomSession, type RoomSignaling, type SessionEvents, type SessionParts } from './room-session';
import type { FaultInjector, Room, RoomEvent, RoomSnapshot, RoomStats } from './room-types';
import type { VisibilityOptions } from './room-visibility';
import type { JoinedRoom, SignalingStatus } from './signaling-types';
import { type Transport, webRtcTransport } from './transport';
import type { TimerClock } from './worker-clock';

export type { RoomSignaling } from './room-session';

/** What {@link createRoom} assembles (joinRoom builds it; tests may build it with fakes). */
export interface RoomParts extends VisibilityOptions {
  readonly name: string;
  readonly signaling: RoomSignaling;
  readonly joined: JoinedRoom;
  /** The WebRTC link factory; its transport is used where `transports` does not say otherwise. */
  readonly createLink: LinkFactory;
  /** The transports in order of preference (default: WebRTC through `createLink`). The room closes them. */
  readonly transports?: readonly Transport[] | undefined;
  /**
   * The transports again, for a session resumed after the back-forward cache (the first ones were closed
   * when the page went in). Default: WebRTC through `createLink`.
   */
  readonly reopenTransports?: (() => Promise<readonly Transport[]>) | undefined;
  readonly clock: TimerClock;
  readonly election?: Partial<ElectionConfig> | undefined;
  readonly faults?: boolean | undefined;
  readonly timings?: Partial<MeshTimings> | undefined;
  /** What this tab tells its peers it runs on (joinRoom: from `navigator`). */
  readonly agent?: PeerAgent | undefined;
  /** Options of the room's leader work (`clock` is the room's own). Tests shorten `takeoverSyncMs`. */
  readonly sharedWork?: Omit<LeaderWorkOptions, 'clock'> | undefined;
}

/** Builds a {@link MeshRoom} from a joined signaling client. */
export function createRoom(parts: RoomParts): MeshRoom {
  return new MeshRoom(parts);
}

/**
 * A joined room: the signaling client, the mesh, the election and the leader work, wired together, seen
 * through an immutable, cached {@link RoomSnapshot} (a new object only after a change) and the {@link Room} API.
 *
 * The mesh and the election live in a {@link RoomSession}; the room outlives it. A page put into the
 * back-forward cache ends its session ({@link MeshRoom.suspend}: the same graceful exit as leaving, but the
 * signaling client keeps its resume token) and starts a new one when restored ({@link MeshRoom.resume}: the
 * same id, fresh links and election); the room's id, listeners, events and leader work carry over.
 */
export class MeshRoom implements Room {
  readonly selfId: PeerId;
  readonly name: string;
  readonly faults: FaultInjector | undefined;
  readonly #faults: FaultTable | undefined;
  readonly #parts: RoomParts;
  readonly #sessionParts: Omit<SessionParts, 'transports'>;
  readonly #signaling: RoomSignaling;
  readonly #clock: TimerClock;
  #session: RoomSession;
  /** Between {@link suspend} and a finished {@link resume}; `resuming` while the transports reopen. */
  #phase: 'active' | 'suspended' | 'resuming' = 'active';
  #resumeAttempt: object | undefined;
  #visible = true;
  readonly #work: LeaderWork;
  readonly #events = new EventLog<RoomEvent>(meshLimits.maxEvents);
  readonly #listeners = new Listeners<[]>();
  readonly #leadershipListeners = new Listeners<[leadership: Leadership]>();
  readonly #linkOpenListeners = new Listeners<[peer: PeerId]>();
  readonly #appListeners = new Listeners<[from: PeerId, payload: unknown]>();
  readonly #sessionEvents: SessionEvents;
  #leadership: Leadership;
  #snapshot: RoomSnapshot | undefined;
  #notifyQueued = false;
  #leaving: Promise<void> | undefined;
  #left = false;
  readonly #cleanups: Array<() => void> = [];

  /** @internal Rooms come from {@link joinRoom}. */
  constructor(parts: RoomParts) {
    this.selfId = parts.joined.id;
    this.name = parts.name;
    this.#parts = parts;
    this.#signaling = parts.signaling;
    this.#clock = parts.clock;
    const faults = parts.faults ? new FaultTable(meshLimits.maxPeers) : undefined;
    this.faults = faults;
    this.#faults = faults;
    this.#sessionParts = { ...parts, selfId: this.selfId, faults };
    this.#sessionEvents = {
      linkOpen: (peer) => {
        this.#meshEvent('link-open', peer);
        this.#linkOpenListeners.emit(peer);
      },
      linkClosed: (peer, reason) => this.#meshEvent('link-closed', peer, reason),
      app: (from, payload) => this.#appListeners.emit(from, payload),
      election: (event) => this.#push({ ...event, source: 'election' }),
      leadership: () => this.#checkLeadership(),
      changed: () => this.#changed(),
    };
    const signaling = this.#signaling;
    this.#cleanups.push(
      signaling.onStatus.add((status) => this.#signalingStatus(status)),
      signaling.onFatal.add(() => this.#meshEvent('signaling-lost')),
    );
    const transports = parts.transports ?? [webRtcTransport(parts.createLink)];
    this.#session = new RoomSession({ ...this.#sessionParts, transports }, this.#sessionEvents, true);
    this.#leadership = this.#readLeadership();
    // The leader work runs on the election's clock (a Worker's timers: not throttled in a hidden tab) and
    // sees the room only through its RoomCore side, like any other layer would.
    this.#work = createLeaderWork(this, { ...parts.sharedWork, clock: this.#clock });
    this.#meshEvent('joined');
    this.#session.mesh.joined(parts.joined.peers);
  }

  snapshot(): RoomSnapshot {
    if (this.#snapshot) return this.#snapshot;
    const state = this.#session.election.state();
    const active = this.#phase === 'active';
    this.#snapshot = Object.freeze({
      selfId: this.selfId,
      room: this.name,
      signaling: this.#signaling.status,
      role: state.role,
      leaderId: active ? state.leaderId : undefined,
      term: state.term,
      peers: Object.freeze(active ? this.#session.peerInfos() : []),
      events: this.#events.list(),
    });
    return this.#snapshot;
  }

  subscribe(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Counters of the current session's mesh and election, and of everything signaling and the leader work saw. */
  stats(): RoomStats {
    const { mesh, election, local } = this.#session;
    return Object.freeze({
      mesh: withFaultDrops(mesh.stats(), this.#faults?.dropped ?? 0),
      signaling: this.#signaling.stats(),
      election: election.stats(),
      sharedWork: this.#work.stats(),
      timers: this.#clock.kind,
      local: local?.stats(),
    });
  }

  yield(): void {
    if (this.#phase === 'active' && this.#session.election.isLeader()) this.#session.election.yield();
  }

  /**
   * Leaves gracefully: stops the election first (a leader's abdication names its successor, and its leader
   * tasks abort with the leadership, reason `lost`), then disposes the leader work (pending calls reject with
   * `disposed`), says `bye` on every link, waits up to 250 ms for those to be sent, destroys the links, leaves
   * the signaling room and disconnects. Idempotent: later calls return the same promise.
   */
  leave(): Promise<void> {
    this.#leaving ??= this.#leave();
    return this.#leaving;
  }

  /**
   * The same, synchronously and without waiting (for `pagehide`, where nothing can be awaited): the
   * abdication and the `bye`s are queued on the channels just before they are destroyed.
   */
  leaveNow(): void {
    if (this.#left) return;
    this.#left = true;
    this.#session.stopElection();
    this.#work.dispose();
    this.#session.mesh.sayBye();
    this.#teardown();
    this.#signaling.close();
    this.#changed();
    this.#leaving ??= Promise.resolve();
  }

  /**
   * Ends the session for the back-forward cache (`pagehide` with `persisted`), synchronously: a leader hands
   * over, every link says `bye` and closes, the local channel and Web Lock are released and signaling
   * disconnects (a cached page holding any of them would be evicted, or answer for a tab that sleeps). The
   * leader work stays: its tasks abort with the leadership, its shared values and handlers wait.
   */
  suspend(): void {
    if (this.#left) return;
    if (this.#phase === 'resuming') this.#phase = 'suspended'; // the pending resume gives up
    if (this.#phase !== 'active') return;
    this.#phase = 'suspended';
    this.#session.stopElection();
    this.#session.mesh.sayBye();
    this.#session.close();
    this.#signaling.suspend();
    this.#meshEvent('suspended');
    this.#checkLeadership();
  }

  /**
   * Starts a new session after {@link suspend} (`pageshow` with `persisted`): reopens the transports, builds
   * a fresh mesh and election, and rejoins the room with the resume token, so peers see the same id again;
   * shared values resync from the leader as for any newcomer. A rejoin the server refuses for good (e.g. an
   * expired token) ends like any lost signaling: `signaling-lost`, status `closed`.
   */
  async resume(): Promise<void> {
    if (this.#left || this.#phase !== 'suspended') return;
    const attempt = {};
    this.#resumeAttempt = attempt;
    this.#phase = 'resuming';
    const transports = await (this.#parts.reopenTransports?.() ??
      Promise.resolve([webRtcTransport(this.#parts.createLink)]));
    if (this.#left || this.#phase !== 'resuming' || this.#resumeAttempt !== attempt) {
      for (const transport of transports) transport.close();
      return;
    }
    this.#phase = 'active';
    this.#session = new RoomSession(
      { ...this.#sessionParts, transports },
      this.#sessionEvents,
      this.#visible,
    );
    this.#meshEvent('resumed');
    this.#checkLeadership();
    this.#signaling.resume(); // its rejoin answer links the members (`onRejoined`)
  }

  /** This page turned visible or hidden (joinRoom's `visibilitychange` listener): peers are told. */
  visibilityChanged(visible: boolean): void {
    this.#visible = visible;
    if (!this.#left && this.#phase === 'active') this.#session.visibility.set(visible);
  }

  /** Registers work to undo when the room is left (joinRoom's `pagehide` listener). */
  onLeft(cleanup: () => void): void {
    if (this.#left) cleanup();
    else this.#cleanups.push(cleanup);
  }

  // ---- LeaderWorkApi: delegated to the room's leader work -------------------------------------------

  runWhileLeader(task: LeaderTask): () => void {
    return this.#work.runWhileLeader(task);
  }

  callLeader<T = unknown>(method: string, args?: unknown, options?: CallOptions): Promise<T> {
    return this.#work.callLeader<T>(method, args, options);
  }

  callLeaderDetailed<T = unknown>(
    method: string,
    args?: unknown,
    options?: CallOptions,
  ): Promise<LeaderCallResult<T>> {
    return this.#work.callLeaderDetailed<T>(method, args, options);
  }

  serve<A = unknown, R = unknown>(
    method: string,
    handler: CallHandler<A, R>,
    options?: ServeOptions<A>,
  ): () => void {
    return this.#work.serve(method, handler, options);
  }

  shared<T = unknown>(name: string, options?: SharedOptions<T>): SharedValue<T> {
    return this.#work.shared(name, options);
  }

  // ---- RoomCore ----------------------------------------------------------------------------------------

  leadership(): Leadership {
    return this.#leadership;
  }

  onLeadershipChange(listener: (leadership: Leadership) => void): () => void {
    return this.#leadershipListeners.add(listener);
  }

  peers(): readonly PeerId[] {
    return this.#phase === 'active' ? this.#session.mesh.view() : [];
  }

  onPeerLinked(listener: (peer: PeerId) => void): () => void {
    return this.#linkOpenListeners.add(listener);
  }

  /** @throws {MeshPayloadError} when `payload` has no JSON form or exceeds the message size limit. */
  sendTo(peer: PeerId, payload: unknown): boolean {
    if (this.#left || this.#phase !== 'active') return false;
    return this.#session.mesh.send(peer, { ch: 'app', payload });
  }

  /** @throws {MeshPayloadError} when `payload` has no JSON form or exceeds the message size limit. */
  broadcast(payload: unknown): void {
    if (this.#left || this.#phase !== 'active') return;
    this.#session.mesh.broadcast({ ch: 'app', payload });
  }

  onAppMessage(listener: (from: PeerId, payload: unknown) => void): () => void {
    return this.#appListeners.add(listener);
  }

  // ---- internals ---------------------------------------------------------------------------------------

  async #leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.#session.stopElection();
    this.#work.dispose();
    this.#session.mesh.sayBye();
    await this.#session.drain();
    this.#teardown();
    const leaving = this.#signaling.leave();
    this.#changed();
    await leaving;
  }

  /** Closes the session, unhooks everything and releases the clock; signaling is closed by the caller. */
  #teardown(): void {
    this.#session.close();
    this.#meshEvent('left');
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#clock.dispose();
    this.#checkLeadership();
  }

  #readLeadership(): Leadership {
    const { election } = this.#session;
    const active = this.#phase === 'active' && !this.#left;
    return Object.freeze({
      isLeader: active && election.isLeader(),
      leaderId: active ? election.leaderId() : undefined,
      term: election.term,
    });
  }

  #checkLeadership(): void {
    if (this.#session === undefined) return; // a callback while the first session is being built
    const next = this.#readLeadership();
    const last = this.#leadership;
    if (next.isLeader === last.isLeader && next.leaderId === last.leaderId && next.term === last.term) return;
    this.#leadership = next;
    this.#changed();
    this.#leadershipListeners.emit(next);
  }

  #signalingStatus(status: SignalingStatus): void {
    if (this.#phase !== 'active') this.#changed();
    else if (status === 'reconnecting') this.#meshEvent('signaling-lost');
    else if (status === 'connected') this.#meshEvent('signaling-back');
    else this.#changed();
  }

  #meshEvent(type: Extract<RoomEvent, { source: 'mesh' }>['type'], peer?: PeerId, reason?: string): void {
    this.#push({
      source: 'mesh',
      type,
      at: this.#clock.now(),
      ...(peer === undefined ? {} : { peer }),
      ...(reason === undefined ? {} : { reason }),
    });
  }

  #push(event: RoomEvent): void {
    this.#events.push(Object.freeze(event));
    this.#changed();
  }

  /** Invalidates the snapshot and tells subscribers once per microtask, however many changes it saw. */
  #changed(): void {
    this.#snapshot = undefined;
    if (this.#notifyQueued) return;
    this.#notifyQueued = true;
    queueMicrotask(() => {
      this.#notifyQueued = false;
      this.#listeners.emit();
    });
  }
}
