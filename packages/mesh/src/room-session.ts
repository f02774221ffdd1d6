import {
  createElection,
  type Election,
  type ElectionConfig,
  type ElectionEvent,
  type PeerId,
} from '@conclave/election';
import { leaderGreeting, meshElectionAdapter } from './election-adapter';
import type { FaultTable } from './fault-injector';
import { withFaults } from './faulty-transport';
import type { MeshTimings } from './limits';
import { LocalTransport } from './local-transport';
import { type LinkClosedReason, Mesh } from './mesh';
import type { PeerAgent } from './peer-agent';
import type { PeerInfo } from './room-types';
import { RoomVisibility, type VisibilityOptions } from './room-visibility';
import type { SignalingClient } from './signaling-client';
import type { Transport } from './transport';
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
  | 'suspend'
  | 'resume'
>;

/** How long {@link Room.leave} waits for the goodbye messages to leave the data channels. */
const drainTimeoutMs = 250;
const drainPollMs = 10;

/** What a session is made of; the same for every session of a room, but for the transports. */
export interface SessionParts extends VisibilityOptions {
  readonly selfId: PeerId;
  readonly signaling: RoomSignaling;
  /** This session's transports, in order of preference (the session closes them). */
  readonly transports: readonly Transport[];
  readonly clock: TimerClock;
  readonly election?: Partial<ElectionConfig> | undefined;
  readonly faults: FaultTable | undefined;
  readonly timings?: Partial<MeshTimings> | undefined;
  readonly agent?: PeerAgent | undefined;
}

/** What a session reports to its room. */
export interface SessionEvents {
  linkOpen(peer: PeerId): void;
  linkClosed(peer: PeerId, reason: LinkClosedReason): void;
  app(from: PeerId, payload: unknown): void;
  election(event: ElectionEvent): void;
  /** The election may have a new leader (or this tab gained or lost the role). */
  leadership(): void;
  /** Something shown in the room's snapshot changed. */
  changed(): void;
}

/**
 * One stretch of a room's life between joining (or resuming) and leaving (or going into the back-forward
 * cache): the mesh over this session's transports, the election on it, the page-visibility reports, and
 * the wiring from signaling to the mesh. A room outlives its sessions: its id, listeners, events and leader
 * work carry over, and a session is never restarted (the next one is built afresh).
 */
export class RoomSession {
  readonly mesh: Mesh;
  readonly election: Election;
  readonly local: LocalTransport | undefined;
  readonly visibility: RoomVisibility;
  readonly #faults: FaultTable | undefined;
  readonly #clock: TimerClock;
  readonly #cleanups: Array<() => void>;

  constructor(parts: SessionParts, events: SessionEvents, visible: boolean) {
    const { clock, faults, signaling } = parts;
    this.#faults = faults;
    this.#clock = clock;
    this.local = parts.transports.find((transport) => transport instanceof LocalTransport);
    // Faults are a wrapper around each transport: the mesh itself has no fault branches.
    const transports = faults
      ? parts.transports.map((transport) => withFaults(transport, faults, clock))
      : parts.transports;
    const mesh = new Mesh({
      selfId: parts.selfId,
      transports,
      sendSignal: (to, data) => signaling.signal(to, data),
      clock,
      timings: parts.timings,
      agent: parts.agent,
    });
    this.mesh = mesh;
    this.#cleanups = [
      signaling.onPeerJoined.add((peer) => mesh.peerJoined(peer)),
      signaling.onPeerLeft.add((peer) => mesh.peerLeft(peer)),
      signaling.onSignal.add((from, data) => mesh.signal(from, data)),
      signaling.onRejoined.add((peers) => mesh.joined(peers)),
      mesh.onLinkOpen.add((peer) => events.linkOpen(peer)),
      mesh.onLinkClosed.add((peer, reason) => events.linkClosed(peer, reason)),
      mesh.onApp.add((from, payload) => events.app(from, payload)),
      mesh.onChange.add(() => events.changed()),
    ];
    this.election = createElection({
      id: parts.selfId,
      adapter: meshElectionAdapter(mesh),
      config: parts.election,
      clock,
      onLeadershipChange: () => events.leadership(),
    });
    this.election.subscribe((event) => {
      events.election(event);
      events.leadership();
    });
    // A leader's answer to a tab announcing itself on the local channel carries its declaration ahead.
    const election = this.election;
    this.local?.greetWith(() => leaderGreeting(election));
    this.visibility = new RoomVisibility(this.election, clock, mesh, parts);
    this.visibility.set(visible);
  }

  /** The peers as the room's snapshot shows them. */
  peerInfos(): PeerInfo[] {
    const faults = this.#faults;
    return this.mesh.peers().map((peer) => {
      const fault = faults?.faultOf(peer.id);
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
  }

  /** Stops the election: a leader abdicates, naming its successor, while its links are still open. */
  stopElection(): void {
    this.election.stop();
  }

  /** Resolves once every channel sent what it had queued, or after {@link drainTimeoutMs}. */
  drain(): Promise<void> {
    const clock = this.#clock;
    const deadline = clock.now() + drainTimeoutMs;
    return new Promise((resolve) => {
      const check = () => {
        if (this.mesh.drained() || clock.now() >= deadline) resolve();
        else clock.setTimeout(check, drainPollMs);
      };
      check();
    });
  }

  /** Closes the mesh and its transports (after {@link stopElection}) and unhooks it from signaling. */
  close(): void {
    this.local?.greetWith(undefined);
    this.visibility.stop();
    this.mesh.close();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }
}
