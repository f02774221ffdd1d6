import type { TabReport } from './report';

/** What the soak analysis reads (actions, each tab life's reports) and what it reports. */

/** What the soak did to the tabs. */
export type ActionKind = 'join' | 'leave' | 'crash' | 'reload';

/** One action of the soak, timed on the driver's clock (the same machine clock the pages use). */
export interface ActionRecord {
  readonly at: number;
  readonly kind: ActionKind;
  /** The tab's peer id before the action (none for a join, or for a tab that had not joined yet). */
  readonly targetId?: string | undefined;
  /** Whether the target led when it was chosen. */
  readonly targetWasLeader: boolean;
}

/** One page load's reports: one peer id, from its first report until it ended. */
export interface LifeTrace {
  readonly id: string;
  /** In any order; the analysis sorts them by their page-side time. */
  readonly reports: readonly TabReport[];
  /**
   * When the life ended on the driver's clock (crash, leave or reload issued), or undefined if it lasted
   * to the end. It counts until its last report if that is later (a leaving page reports its goodbye).
   */
  readonly endedAt?: number | undefined;
}

/** A stretch of time in which two or more leaders shared one connected component. */
export interface Episode {
  readonly start: number;
  readonly end: number;
  readonly durationMs: number;
  readonly leaders: readonly string[];
  /** One of them is a newcomer that elected itself before it ever heard of a leader (see {@link Takeover}). */
  readonly newcomer: boolean;
}

/** The single leader changed while the previous one was alive and no action had touched it. */
export interface Takeover {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  /**
   * The new leader is a newcomer (joined during the soak) whose leadership began before it had heard of any
   * leader: it elected itself during start-up while the room had one, then won on id.
   */
  readonly newcomer: boolean;
}

/**
 * A tab that went back or sideways: the leadership it followed or held next was not above the one before
 * (compareLeadership). Fencing with `(term, leaderId)` relies on this never happening.
 */
export interface FencingBreak {
  readonly id: string;
  readonly at: number;
  readonly from: { readonly term: number; readonly leaderId: string };
  readonly to: { readonly term: number; readonly leaderId: string };
}

/** Terms that more than one leader used. */
export interface SharedTerm {
  readonly term: number;
  readonly leaders: readonly string[];
}

/** A stretch with no leader anywhere, and the action it followed. */
export interface Gap {
  readonly start: number;
  readonly end: number;
  readonly durationMs: number;
  /** The action at or just before its start that took the leader away; `none` if it came without one. */
  readonly cause: ActionKind | 'none';
  /** From the gap's start until every tab alive at its start (and still alive) followed the new leader. */
  readonly agreedAfterMs: number | undefined;
  /** Still open when observation ended: a failover that never finished. */
  readonly unfinished: boolean;
}

export interface Distribution {
  readonly count: number;
  readonly medianMs: number | undefined;
  readonly p95Ms: number | undefined;
  readonly maxMs: number | undefined;
}

export interface SoakAnalysis {
  readonly observedMs: number;
  readonly lives: number;
  readonly reports: number;
  readonly twoLeaders: {
    /** Total time two or more live tabs claimed leadership, anywhere. */
    readonly anywhereMs: number;
    /** Total time two or more leaders were in one connected component (views as edges). Goal: 0. */
    readonly sameComponentMs: number;
    /** The same-component episodes. */
    readonly episodes: readonly Episode[];
    /** Stretches with two leaders in different components (e.g. a newcomer leading itself before linking). */
    readonly separateEpisodes: number;
  };
  readonly leaderless: {
    readonly gaps: readonly Gap[];
    readonly byCause: Readonly<Record<Gap['cause'], Distribution>>;
    readonly agreement: Readonly<Record<Gap['cause'], Distribution>>;
    readonly unfinished: number;
  };
  /** Times the single leader changed while the previous one was alive and no action had touched it. */
  readonly takeovers: readonly Takeover[];
  readonly terms: {
    /** Distinct (term, leader) leaderships claimed by leaders. */
    readonly leaderships: number;
    /** Of those, leaderships of newcomers that began before they had heard of any leader. */
    readonly newcomer: number;
    readonly highest: number;
    /** Terms claimed by two different leaders, newcomers included (groups that cannot hear each other can). */
    readonly claimedByTwoLeaders: readonly SharedTerm[];
    /**
     * Terms under which tabs followed two different leaders, counted across the room. Groups that cannot
     * hear each other yet (tabs still linking) can each raise a leadership to the same term; that is not a
     * fencing break as long as no tab follows both ({@link fencingBreaks}).
     */
    readonly followedUnderTwoLeaders: readonly SharedTerm[];
    /** Tabs whose next leadership was not above their previous one: what breaks fencing. Must be empty. */
    readonly fencingBreaks: readonly FencingBreak[];
  };
}
