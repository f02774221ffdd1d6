import type { ElectionConfig, ElectionEvent, ElectionStats, PeerId, Role } from '@conclave/election';
import type { LeaderWorkApi, LeaderWorkOptions, RoomCore, SharedWorkStats } from '@conclave/shared-work';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { LinkState } from './link';
import type { LocalTransportStats } from './local-transport';
import type { MeshStats } from './mesh-stats';
import type { PeerAgent } from './peer-agent';
import type { SimplePeerConstructor, WrtcImplementation } from './peer-link';
import type { SignalingStats, SignalingStatus } from './signaling-types';
import type { TransportKind } from './transport';

/** Options of {@link joinRoom}. */
export interface JoinRoomOptions {
  /** Base URL of the signaling server, e.g. `location.origin`. */
  signalingUrl: string;
  /** Room name (letters, digits, `.`, `-`, `_`; 1-64). */
  room: string;
  /** Room secret, when the room requires one. */
  secret?: string;
  /** STUN/TURN servers for real deployments. Default: none (host candidates only: one machine or one LAN). */
  iceServers?: RTCIceServer[];
  /**
   * Which ICE candidates WebRTC links may use: `'all'` (default) or `'relay'`, only through the TURN servers in
   * `iceServers` (hides this device's addresses from peers, and is how to check a TURN setup works).
   */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Election timings; defaults are the browser defaults of `@conclave/election`. */
  election?: Partial<ElectionConfig>;
  /**
   * Which tab should lead, beyond the election's rules (default: none). `'visible'`: a leader whose page has
   * been hidden for `hiddenLeaderMs` hands over to the lowest-id peer whose page is visible (by the normal
   * hand-over, at most once per `hiddenLeaderMs`; it never displaces a visible leader).
   */
  leaderPreference?: 'visible';
  /** How long a leader stays hidden before the `'visible'` preference hands over. Default 5 s. */
  hiddenLeaderMs?: number;
  /** Where election timers run: a dedicated Worker (default; not throttled in hidden tabs) or the page. */
  timers?: 'worker' | 'page';
  /**
   * How peers are linked, in order of preference (default `['local', 'webrtc']`): `local` links tabs of the
   * same origin and browser profile over a `BroadcastChannel`, `webrtc` links any peer over a data channel.
   * `['webrtc']` forces WebRTC between tabs of one browser; `['local']` links only tabs of this browser.
   */
  transports?: readonly TransportKind[];
  /** Enables the test-only fault-injection hook ({@link Room.faults}). Off by default. */
  faults?: boolean;
  /** How long the first join may take before `joinRoom` rejects with a `timeout` error. Default 10 s. */
  joinTimeoutMs?: number;
  /**
   * Options of the room's leader work ({@link Room.runWhileLeader} and the rest): `onError`,
   * `takeoverSyncMs`, `callDefaults`. Its clock is the election's.
   */
  sharedWork?: Omit<LeaderWorkOptions, 'clock'>;
  /**
   * Advanced, for Node tests and benchmarks: WebRTC classes where the platform has none
   * (e.g. `import wrtc from '@roamhq/wrtc'`), passed to simple-peer's `wrtc` option.
   */
  wrtc?: WrtcImplementation;
  /**
   * Advanced: another peer constructor with simple-peer 9's API (default: the `simple-peer-light` package;
   * `simple-peer` 9 fits too).
   */
  SimplePeer?: SimplePeerConstructor;
  /** Advanced: extra socket.io-client options (e.g. `{ transports: ['websocket'] }`). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface PeerInfo {
  readonly id: PeerId;
  readonly link: LinkState;
  /** The peers that peer reports being linked to (for the mesh picture); empty until it reports. */
  readonly links: readonly PeerId[];
  /** Whether signaling lists it in the room (false for a linked peer that lost its signaling connection). */
  readonly inRoom?: boolean;
  /** A test fault on it ({@link FaultInjector}): `cut` (out of the view) or `deaf` (inbound dropped). */
  readonly fault?: 'cut' | 'deaf';
  /** The transport of its current link (`local` or `webrtc`); absent while it has none. */
  readonly transport?: TransportKind;
  /** The browser and platform it says it runs on (validated, bounded; display only). */
  readonly agent?: PeerAgent;
  /** The link's smoothed round trip in ms, once measured (every link at open; WebRTC ones every 5 s after). */
  readonly rttMs?: number;
  /** Whether it says its page is visible (for the `'visible'` leader preference), once it said. */
  readonly visible?: boolean;
}

/** A timeline entry: an election event, or a mesh event (link opened/closed, signaling lost/back). */
export type RoomEvent =
  | (ElectionEvent & { readonly source: 'election' })
  | {
      readonly source: 'mesh';
      /** `suspended`/`resumed`: the page went into the back-forward cache and came back (same id). */
      readonly type:
        | 'link-open'
        | 'link-closed'
        | 'signaling-lost'
        | 'signaling-back'
        | 'joined'
        | 'left'
        | 'suspended'
        | 'resumed';
      readonly at: number;
      readonly peer?: PeerId;
      /** Why a link closed (`bye`, `peer-left`, `replaced`, `timeout`, `closed`...). */
      readonly reason?: string;
    };

/** An immutable picture of the room as this tab sees it; a new object after every change. */
export interface RoomSnapshot {
  readonly selfId: PeerId;
  readonly room: string;
  readonly signaling: SignalingStatus;
  readonly role: Role;
  readonly leaderId: PeerId | undefined;
  readonly term: number;
  readonly peers: readonly PeerInfo[];
  /** The most recent events, oldest first (bounded). */
  readonly events: readonly RoomEvent[];
}

/** Test-only fault injection (enabled by `faults: true`): drop traffic to or from chosen peers. */
export interface FaultInjector {
  /** Cut the link both ways: messages dropped and the peer leaves this tab's view. */
  cut(peer: PeerId): void;
  /** Drop only what arrives from `peer` (asymmetric loss); the peer stays in the view. */
  deafTo(peer: PeerId): void;
  /** Undo every fault. */
  heal(): void;
  /**
   * Sends `text` as is over the open data channel to `peer`, bypassing the envelope encoder and its size
   * check: lets a test play a hostile tab (bad JSON, wrong types, huge or spoofed messages). False when
   * nothing was sent (no open link, a `cut`, or a backed-up channel).
   */
  rawSend(peer: PeerId, text: string): boolean;
}

/**
 * A joined room: the election's state and events, the mesh, and the leader-work API of
 * `@conclave/shared-work` ({@link LeaderWorkApi}: `runWhileLeader`, `callLeader`, `callLeaderDetailed`,
 * `serve`, `shared`), which runs on the room's own election.
 */
export interface Room extends RoomCore, LeaderWorkApi {
  /** The room's name, as passed to {@link joinRoom}. This tab's own id is {@link RoomCore.selfId}. */
  readonly name: string;
  snapshot(): RoomSnapshot;
  /** Called after every change; returns the unsubscribe function. Fits React's useSyncExternalStore. */
  subscribe(listener: () => void): () => void;
  /** Step aside as leader (no-op when following). */
  yield(): void;
  /**
   * Hand over (if leading; leader tasks abort first), dispose the leader work, close every link and leave
   * the signaling room.
   */
  leave(): Promise<void>;
  /** Present only when joined with `faults: true`. */
  readonly faults: FaultInjector | undefined;
  /** Counters of what the mesh, signaling and the election received, sent and dropped. */
  stats(): RoomStats;
}

/** Everything {@link Room.stats} counts: the mesh's drops, signaling's retries, the election's messages. */
export interface RoomStats {
  readonly mesh: MeshStats;
  readonly signaling: SignalingStats;
  readonly election: ElectionStats;
  /** The leader work's messages, calls and tasks. */
  readonly sharedWork: SharedWorkStats;
  /** Where the election's timers run (see {@link JoinRoomOptions.timers}). */
  readonly timers: 'worker' | 'page';
  /**
   * The local transport's counters and how it learns a local tab is gone (`web-locks` at once, or
   * `heartbeats` where Web Locks are missing); undefined when the room has no local transport.
   */
  readonly local: LocalTransportStats | undefined;
}
