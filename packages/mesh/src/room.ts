import { createElection, type Election, type ElectionConfig, type PeerId } from '@conclave/election';
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
import { meshElectionAdapter } from './election-adapter';
import { EventLog } from './event-log';
import { FaultTable } from './fault-injector';
import { withFaults } from './faulty-transport';
import { type MeshTimings, meshLimits } from './limits';
import type { LinkFactory } from './link';
import { LocalTransport } from './local-transport';
import { Mesh } from './mesh';
import { withFaultDrops } from './mesh-stats';
import type { PeerAgent } from './peer-agent';
import type { FaultInjector, PeerInfo, Room, RoomEvent, RoomSnapshot, RoomStats } from './room-types';
import { RoomVisibility, type VisibilityOptions } from './room-visibility';
import type { JoinedRoom, SignalingClient, SignalingStatus } from './signaling-client';
import { type Transport, webRtcTransport } from './transport';
import type { TimerClock } from './worker-clock';

/** The part of the {@link SignalingClient} a room uses (tests pass an in-memory one). */
export type RoomSignaling = Pick<
  SignalingClient,
  | 'onStatus'
  | 'onPeerJoined'
  | 'onPeerLeft'
  | 'onSignal'
  | 'onRejoined'
  | 'onFatal'
  | 'status'
  | 'stats'
  | 'signal'
  | 'leave'
  | 'close'
>;

/** What {@link createRoom} assembles (joinRoom builds it; tests may build it with fakes). */
export interface RoomParts extends VisibilityOptions {
  readonly name: string;
  readonly signaling: RoomSignaling;
  readonly joined: JoinedRoom;
  /** The WebRTC link factory; its transport is used where `transports` does not say otherwise. */
  readonly createLink: LinkFactory;
  /** The transports in order of preference (default: WebRTC through `createLink`). The room closes them. */
  readonly transports?: readonly Transport[] | undefined;
  readonly clock: TimerClock;
  readonly election?: Partial<ElectionConfig> | undefined;
  readonly faults?: boolean | undefined;
  readonly timings?: Partial<MeshTimings> | undefined;
  /** What this tab tells its peers it runs on (joinRoom: from `navigator`). */
  readonly agent?: PeerAgent | undefined;
  /** Options of the room's leader work (`clock` is the room's own). Tests shorten `takeoverSyncMs`. */
  readonly sharedWork?: Omit<LeaderWorkOptions, 'clock'> | undefined;
}

/** How long {@link Room.leave} waits for the goodbye messages to leave the data channels. */
const drainTimeoutMs = 250;
const drainPollMs = 10;

/** Builds a {@link MeshRoom} from a joined signaling client. */
export function createRoom(parts: RoomParts): MeshRoom {
  return new MeshRoom(parts);
}

/**
 * A joined room: the signaling client, the mesh, the election and the leader work, wired together, seen
 * through an immutable, cached {@link RoomSnapshot} (a new object only after a change) and the {@link Room} API.
 */
export class MeshRoom implements Room {
  readonly selfId: PeerId;
  readonly name: string;
  readonly faults: FaultInjector | undefined;
  readonly #faults: FaultTable | undefined;
  readonly #signaling: RoomSignaling;
  readonly #clock: TimerClock;
  readonly #mesh: Mesh;
  readonly #local: LocalTransport | undefined;
  readonly #election: Election;
  readonly #work: LeaderWork;
  readonly #events = new EventLog<RoomEvent>(meshLimits.maxEvents);
  readonly #listeners = new Listeners<[]>();
  readonly #leadershipListeners = new Listeners<[leadership: Leadership]>();
  #leadership: Leadership;
  #snapshot: RoomSnapshot | undefined;
  #notifyQueued = false;
  #leaving: Promise<void> | undefined;
  #left = false;
  readonly #visibility: RoomVisibility;
  readonly #cleanups: Array<() => void> = [];

  /** @internal Rooms come from {@link joinRoom}. */
  constructor(parts: RoomParts) {
    this.selfId = parts.joined.id;
    this.name = parts.name;
    this.#signaling = parts.signaling;
    this.#clock = parts.clock;
    const faults = parts.faults ? new FaultTable(meshLimits.maxPeers) : undefined;
    this.faults = faults;
    this.#faults = faults;
    const given = parts.transports ?? [webRtcTransport(parts.createLink)];
    this.#local = given.find((transport) => transport instanceof LocalTransport);
    // Faults are a wrapper around each transport: the mesh itself has no fault branches.
    const transports = faults ? given.map((transport) => withFaults(transport, faults, this.#clock)) : given;
    this.#mesh = new Mesh({
      selfId: this.selfId,
      transports,
      sendSignal: (to, data) => this.#signaling.signal(to, data),
      clock: this.#clock,
      timings: parts.timings,
      agent: parts.agent,
    });
    const mesh = this.#mesh;
    const signaling = this.#signaling;
    this.#cleanups.push(
      signaling.onPeerJoined.add((peer) => mesh.peerJoined(peer)),
      signaling.onPeerLeft.add((peer) => mesh.peerLeft(peer)),
      signaling.onSignal.add((from, data) => mesh.signal(from, data)),
      signaling.onRejoined.add((peers) => mesh.joined(peers)),
      signaling.onStatus.add((status) => this.#signalingStatus(status)),
      signaling.onFatal.add(() => this.#meshEvent('signaling-lost')),
      mesh.onLinkOpen.add((peer) => this.#meshEvent('link-open', peer)),
      mesh.onLinkClosed.add((peer, reason) => this.#meshEvent('link-closed', peer, reason)),
      mesh.onChange.add(() => this.#changed()),
    );

    this.#election = createElection({
      id: this.selfId,
      adapter: meshElectionAdapter(mesh),
      config: parts.election,
      clock: this.#clock,
      onLeadershipChange: () => this.#checkLeadership(),
    });
    this.#leadership = this.#readLeadership();
    this.#visibility = new RoomVisibility(this.#election, this.#clock, mesh, parts);
    this.#election.subscribe((event) => {
      this.#push({ ...event, source: 'election' });
      this.#checkLeadership();
    });
    // The leader work runs on the election's clock (a Worker's timers: not throttled in a hidden tab) and
    // sees the room only through its RoomCore side, like any other layer would.
    this.#work = createLeaderWork(this, { ...parts.sharedWork, clock: this.#clock });
    this.#meshEvent('joined');
    mesh.joined(parts.joined.peers);
  }

  snapshot(): RoomSnapshot {
    if (this.#snapshot) return this.#snapshot;
    const state = this.#election.state();
    const peers: PeerInfo[] = this.#mesh.peers().map((peer) => {
      const fault = this.#faults?.faultOf(peer.id);
      return Object.freeze({
        id: peer.id,
        link: peer.link,
        links: peer.links,
        inRoom: peer.inRoom,
        ...(fault === undefined ? {} : { fault }),
        ...(peer.transport === undefined ? {} : { transport: peer.transport }),
        ...(peer.agent === undefined ? {} : { agent: peer.agent }),
        ...(peer.rttMs === undefined ? {} : { rttMs: peer.rttMs }),
        ...(peer.visible === undefined ? {} : { visible: peer.visible }),
      });
    });
    this.#snapshot = Object.freeze({
      selfId: this.selfId,
      room: this.name,
      signaling: this.#signaling.status,
      role: state.role,
      leaderId: state.leaderId,
      term: state.term,
      peers: Object.freeze(peers),
      events: this.#events.list(),
    });
    return this.#snapshot;
  }

  subscribe(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Counters of everything received, sent and dropped (see {@link RoomStats}). */
  stats(): RoomStats {
    return Object.freeze({
      mesh: withFaultDrops(this.#mesh.stats(), this.#faults?.dropped ?? 0),
      signaling: this.#signaling.stats(),
      election: this.#election.stats(),
      sharedWork: this.#work.stats(),
      timers: this.#clock.kind,
      local: this.#local?.stats(),
    });
  }

  yield(): void {
    if (this.#election.isLeader()) this.#election.yield();
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
    this.#election.stop();
    this.#work.dispose();
    this.#mesh.sayBye();
    this.#teardown();
    this.#signaling.close();
    this.#changed();
    this.#leaving ??= Promise.resolve();
  }

  /** This page turned visible or hidden (joinRoom's `visibilitychange` listener): peers are told. */
  visibilityChanged(visible: boolean): void {
    if (!this.#left) this.#visibility.set(visible);
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
    return this.#mesh.view();
  }

  onPeerLinked(listener: (peer: PeerId) => void): () => void {
    return this.#mesh.onLinkOpen.add(listener);
  }

  /** @throws {MeshPayloadError} when `payload` has no JSON form or exceeds the message size limit. */
  sendTo(peer: PeerId, payload: unknown): boolean {
    if (this.#left) return false;
    return this.#mesh.send(peer, { ch: 'app', payload });
  }

  /** @throws {MeshPayloadError} when `payload` has no JSON form or exceeds the message size limit. */
  broadcast(payload: unknown): void {
    if (this.#left) return;
    this.#mesh.broadcast({ ch: 'app', payload });
  }

  onAppMessage(listener: (from: PeerId, payload: unknown) => void): () => void {
    return this.#mesh.onApp.add(listener);
  }

  // ---- internals ---------------------------------------------------------------------------------------

  async #leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.#election.stop();
    this.#work.dispose();
    this.#mesh.sayBye();
    await this.#drain();
    this.#teardown();
    const leaving = this.#signaling.leave();
    this.#changed();
    await leaving;
  }

  /** Resolves once every channel sent what it had queued, or after {@link drainTimeoutMs}. */
  #drain(): Promise<void> {
    const deadline = this.#clock.now() + drainTimeoutMs;
    return new Promise((resolve) => {
      const check = () => {
        if (this.#mesh.drained() || this.#clock.now() >= deadline) resolve();
        else this.#clock.setTimeout(check, drainPollMs);
      };
      check();
    });
  }

  /** Closes the mesh, unhooks everything and releases the clock; signaling is closed by the caller. */
  #teardown(): void {
    this.#visibility.stop();
    this.#mesh.close();
    this.#meshEvent('left');
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#clock.dispose();
    this.#checkLeadership();
  }

  #readLeadership(): Leadership {
    const election = this.#election;
    return Object.freeze({
      isLeader: election.isLeader(),
      leaderId: election.leaderId(),
      term: election.term,
    });
  }

  #checkLeadership(): void {
    if (this.#election === undefined) return; // a callback during createElection itself
    const next = this.#readLeadership();
    const last = this.#leadership;
    if (next.isLeader === last.isLeader && next.leaderId === last.leaderId && next.term === last.term) return;
    this.#leadership = next;
    this.#changed();
    this.#leadershipListeners.emit(next);
  }

  #signalingStatus(status: SignalingStatus): void {
    if (status === 'reconnecting') this.#meshEvent('signaling-lost');
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
