import type { ElectionWireMessage } from '../messages';
import type { ElectionEvent, ElectionState, LeadershipInfo, PeerId } from '../types';

/**
 * What goes into the election core and what comes out of it. The core is a state machine in the manner of
 * etcd-io/raft's RawNode: an input and the surroundings go in, the new state stays inside, and the effects
 * come out as a list that the driver (`election.ts`) applies: it owns the clock, the timers and the adapter.
 */

/** The core's named one-shot timers: each stands for one of Fabric's waits (see `step.ts`). */
export type TimerName =
  | 'sample'
  | 'linked'
  | 'backoff'
  | 'election'
  | 'retry'
  | 'handover'
  | 'liveness'
  | 'heartbeat'
  | 'yield';

export type ElectionInput =
  /** Begin start-up (Fabric's constructor). */
  | { readonly type: 'start' }
  /** A message arrived: unvalidated; the transport has set `sender` to the peer it came from. */
  | { readonly type: 'message'; readonly message: unknown }
  /** A timer the core set has fired (the driver never delivers one the core cancelled or replaced). */
  | { readonly type: 'timer'; readonly name: TimerName }
  /** The view changed. */
  | { readonly type: 'view-changed' }
  /**
   * The application asks the leader to step aside (Fabric's Yield), optionally to a successor of its choice
   * (used when it is in the view and not gone silent; otherwise the lowest id is named, as always).
   */
  | { readonly type: 'yield'; readonly successor?: PeerId }
  /** Stop for good (Fabric's Stop). */
  | { readonly type: 'stop' };

export type ElectionEffect =
  /** Send to every peer in the view. */
  | { readonly type: 'gossip'; readonly message: ElectionWireMessage }
  /** Send to one peer (only asked of a driver whose adapter can). */
  | { readonly type: 'send'; readonly to: PeerId; readonly message: ElectionWireMessage }
  /** Fire `name` after `delayMs`, replacing the timer of that name if one is set. */
  | { readonly type: 'set-timer'; readonly name: TimerName; readonly delayMs: number }
  | { readonly type: 'cancel-timer'; readonly name: TimerName }
  /** Fabric's ReportMetrics. */
  | { readonly type: 'report-metrics'; readonly isLeader: boolean }
  /** A timeline entry, with the state right after it. */
  | { readonly type: 'event'; readonly event: ElectionEvent; readonly state: ElectionState }
  /** Fabric's leadership callback (also on a sitting leader's new term: its fencing token changed). */
  | { readonly type: 'leadership'; readonly isLeader: boolean; readonly info: LeadershipInfo };

/** The view as the core may read it during a step: reads only. */
export interface ViewReader {
  /** Peers considered alive, not including self. */
  peers(): readonly PeerId[];
  has(peer: PeerId): boolean;
  /** True while the transport is still linking to peers it knows of (the view is expected to grow). */
  settling(): boolean;
  /** True when the whole room is in the view; undefined when the transport cannot tell. */
  roomLinked(): boolean | undefined;
  /** True when the transport tells at once, both ways, that `peer` ended (see `ElectionAdapter.watches`). */
  watches(peer: PeerId): boolean;
}

/** What the core may look at besides its own state, as it is at this step. */
export interface Surroundings {
  /** The time of this step (ms, monotonic). */
  readonly now: number;
  readonly view: ViewReader;
}
