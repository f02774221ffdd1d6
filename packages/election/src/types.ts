/** Public types of the election. The algorithm lives in `core/` (a pure step function, see `core/step.ts`); `election.ts` drives it; IO is the caller's (see {@link ElectionAdapter}). */

/** A peer's id. Ids compare like Fabric's `bytes.Compare` on their UTF-8 bytes: the lowest id wins a contest. */
export type PeerId = string;

/**
 * What the election gossips. Plain JSON: it crosses data channels. The concrete messages are the
 * union exported from `messages.ts`; every one has a `type` and the `sender` it claims. Transports must
 * overwrite `sender` with the peer the message actually arrived from before handing it to the election.
 */
export interface ElectionMessage {
  type: string;
  sender: PeerId;
}

/** The network, as the election sees it. Implemented by `packages/mesh` in browsers and by the simulator in tests. */
export interface ElectionAdapter {
  /** Send to every peer in the current view. */
  gossip(message: ElectionMessage): void;
  /** Subscribe to incoming messages; returns the unsubscribe function. */
  onMessage(handler: (message: ElectionMessage) => void): () => void;
  /** Peers considered alive, not including self. */
  peers(): readonly PeerId[];
  /**
   * Optional: is `peer` in the view right now? Must agree with {@link peers}. Without it the election keeps a
   * Set of the last `peers()` array (rebuilt when the array's identity changes); large simulated views offer it.
   */
  hasPeer?(peer: PeerId): boolean;
  /**
   * Fabric's ReportMetrics: `true` on every declaration round of a leader, `false` whenever a peer stops
   * leading or starts following another leader.
   */
  reportMetrics?(isLeader: boolean): void;
  /** Optional: send to one peer (used to answer a newcomer without gossiping to everyone). */
  send?(to: PeerId, message: ElectionMessage): void;
  /**
   * Optional: true while the transport knows of peers it is still linking to, i.e. the view is expected to
   * grow. Start-up keeps waiting while it is true (never past `startupGracePeriod`), so that a newcomer does
   * not settle on a view that lacks the sitting leader just because that one link opened last.
   */
  settling?(): boolean;
  /**
   * Optional: true when the transport knows the whole room (every member its membership service lists) is
   * in the view. A peer that knows it is alone in its room then ends start-up at once instead of waiting for
   * its view to stop changing.
   */
  roomLinked?(): boolean;
  /** Optional: told when the view changes, so the election reacts at once instead of at its next round. */
  onViewChange?(handler: () => void): () => void;
  /**
   * Optional: true when `peer` and this peer each learn at once, from the transport, that the other ended
   * (a crash included: e.g. Web Locks between tabs of one browser), so the view drops it without any timer.
   * A leader whose every peer is watched declares 10 times less often (`watchedSlowdown`), and a follower
   * that watches its leader waits that much longer before it suspects a silent one: heartbeats then only
   * guard against a leader that hangs without ending.
   */
  watches?(peer: PeerId): boolean;
}

/** Time, injected: real timers in browsers (a Worker's, in hidden tabs), virtual ones in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Milliseconds; Fabric's four settings. */
export interface ElectionConfig {
  /** Longest wait at start-up for the membership view to settle (or a declaration to arrive). */
  startupGracePeriod: number;
  /** How often the view size is sampled while it settles. */
  membershipSampleInterval: number;
  /** A follower that hears no declaration for this long starts an election; a leader declares every half of it. */
  leaderAliveThreshold: number;
  /** How long an election collects proposals before the lowest id declares. */
  leaderElectionDuration: number;
  /**
   * Not in Fabric (0 there): how long a peer that is not the lowest id of its view may wait before proposing,
   * so that the lowest proposes first and the others, having seen its proposal, need not propose at all.
   * A peer of rank r (r peers lower than itself in its view) waits `proposalBackoff × min(r, 4) / 4`.
   */
  proposalBackoff?: number;
}

export type Role = 'leader' | 'follower';

/** A snapshot of one peer's view of the election. */
export interface ElectionState {
  readonly id: PeerId;
  readonly role: Role;
  /** The leader this peer follows (itself when leading); undefined while unknown. */
  readonly leaderId: PeerId | undefined;
  /** Term of the current leadership; 0 before any leader is known. Grows with every new leadership. */
  readonly term: number;
  /** Highest term this peer has seen in any message or held itself; a new leadership here takes this + 1. */
  readonly highestTermSeen: number;
  /**
   * starting: waiting for the view to settle; electing: proposing, collecting proposals, or waiting for a
   * named successor; steady: leading, following, or (while yielding) waiting for a leader; stopped.
   */
  readonly phase: 'starting' | 'electing' | 'steady' | 'stopped';
  /** True while yielding (after {@link Election.yield}, until another leader appears or 6×T passes). */
  readonly yielding: boolean;
}

export type ElectionEventType =
  | 'election-started' // this peer proposed itself
  | 'leadership-gained' // this peer became leader
  | 'leadership-lost' // this peer stopped leading (see `reason`)
  | 'leader-changed' // the leader this peer follows changed (or became unknown)
  | 'term-changed' // the term of the current leadership grew (a leader re-declared above a term it saw)
  | 'yielded'
  | 'stopped';

/** One entry of the election's timeline; the dashboard shows these. */
export interface ElectionEvent {
  readonly type: ElectionEventType;
  /** Clock time of the event. */
  readonly at: number;
  readonly leaderId: PeerId | undefined;
  readonly term: number;
  /**
   * Why. election-started: 'startup', 'leader-silent', 'leader-left', 'handover', 'handover-timeout',
   * 'yield-over', 'retry'. leadership-gained: 'elected', 'handover'. leadership-lost: 'yield', 'stop',
   * 'lower-id-leader'. leader-changed: 'declaration', 'newer-leadership', 'lower-id-leader', 'leader-silent',
   * 'leader-left', 'handover'. term-changed: 'higher-term', 'declaration'.
   */
  readonly reason?: string;
}

/** Extra information passed with every leadership callback. */
export interface LeadershipInfo {
  readonly term: number;
  readonly leaderId: PeerId | undefined;
}

export interface Election {
  readonly id: PeerId;
  /** Term of the current leadership (the fencing token); 0 before any leader is known. */
  readonly term: number;
  isLeader(): boolean;
  /** The leader this peer follows (itself when leading), or undefined while unknown. */
  leaderId(): PeerId | undefined;
  state(): ElectionState;
  /**
   * Step aside for 6 × leaderAliveThreshold or until another leader appears. Calls back `false` synchronously.
   * The abdication names `successor` when given, in the view and not gone silent (an application's choice,
   * e.g. a visible tab), else the lowest id in the view; followers adopt whichever is named.
   */
  yield(successor?: PeerId): void;
  /** Stop for good: hand over (if leading), gossip nothing more, release every timer and subscription. */
  stop(): void;
  /** Subscribe to the timeline; returns the unsubscribe function. */
  subscribe(listener: (event: ElectionEvent, state: ElectionState) => void): () => void;
  /** Counters of what this peer sent and dropped (for dashboards, tests and benchmarks). */
  stats(): ElectionStats;
}

/** What one peer's election sent and dropped since it was created. */
export interface ElectionStats {
  readonly proposalsSent: number;
  readonly declarationsSent: number;
  readonly abdicationsSent: number;
  /** Declarations whose term was below the term this peer already knew (replays, delayed or stale leaders). */
  readonly staleDropped: number;
  /** Messages from peers that were not in the view (Fabric ignores those too). */
  readonly outsideViewDropped: number;
  /** Messages that were not election messages at all (bad shape). */
  readonly invalidDropped: number;
  /** Leader hints sent: answers to proposals from peers that did not know this follower's leader. */
  readonly hintsSent: number;
  /** Messages whose term jumped more than `messageLimits.maxTermStep` above the highest term known. */
  readonly termJumpsDropped: number;
  /**
   * Liveness checks that ran late (this peer was stalled) and so waited one heartbeat interval for the
   * leader's declaration before suspecting it.
   */
  readonly stallGraces: number;
}

export interface CreateElectionOptions {
  id: PeerId;
  adapter: ElectionAdapter;
  config?: Partial<ElectionConfig>;
  clock?: Clock;
  /**
   * Called on every gain and loss of leadership, with the term and leader; also (with `true`) when a sitting
   * leader's term grows, since that changes its fencing token.
   */
  onLeadershipChange?: (isLeader: boolean, info: LeadershipInfo) => void;
}
