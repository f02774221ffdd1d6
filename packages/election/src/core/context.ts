import type { ResolvedElectionConfig } from '../config';
import { KnownLeadership } from '../known-leadership';
import type { ElectionWireMessage } from '../messages';
import type { ElectionEventType, ElectionState, ElectionStats, PeerId } from '../types';
import type { ElectionEffect, Surroundings, TimerName } from './io';

/** A timer's wait that needs to remember why it was set. */
export type HandoverWait =
  /** A successor followed on its predecessor's word: suspect it if it has not declared by then. */
  | { readonly kind: 'confirm'; readonly successor: PeerId }
  /** Waiting for a named successor's declaration: elect (for `reason`) if it never comes. */
  | { readonly kind: 'await'; readonly reason: string };

/** One peer's election state: everything the core remembers between steps. */
export interface CoreState {
  phase: ElectionState['phase'];
  leading: boolean;
  /** The leader followed (self when leading), undefined while unknown. Fabric's leaderExists is `!== undefined`. */
  leader: PeerId | undefined;
  term: number;
  /** The highest leadership heard of (term and holder): what we may follow, what our proposals carry. */
  readonly known: KnownLeadership;
  /** Fabric's yield flag. */
  yielding: boolean;
  /** Proposals (sender → the highest term it knew) since a leader was last known (Fabric's `proposals` set). */
  readonly proposals: Map<PeerId, number>;
  lastDeclarationAt: number;
  /** The `lastDeclarationAt` whose silence already had its stall grace (see stall-grace.ts): once per silence. */
  stallGraceFor: number;
  lastDeclaredAt: number;
  /**
   * Leaders we suspected because they went silent, until they speak again: not counted as lower proposers or
   * lower ranks, and never named successor (a crash the mesh has not noticed leaves a dead peer in the view).
   */
  readonly silent: Set<PeerId>;
  /** The leader that last abdicated to us (it takes no part for a while): not a lower proposer or rank. */
  abdicated: PeerId | undefined;
  /** A successor followed on its predecessor's word, until its own declaration arrives. */
  unconfirmedSuccessor: PeerId | undefined;
  startupDeadline: number;
  sampledViewSize: number;
  /** The view when last looked at by a leader: peers not in it are newcomers to answer. */
  answeredView: Set<PeerId>;
  /** Why the pending 'backoff' timer proposes, and why the pending 'retry' timer elects. */
  backoffReason: string;
  retryReason: string;
  handoverWait: HandoverWait | undefined;
  /** When each pending timer fires. */
  readonly timers: Map<TimerName, number>;
  readonly counters: { -readonly [K in keyof ElectionStats]: number };
}

export function initialState(): CoreState {
  return {
    phase: 'starting',
    leading: false,
    leader: undefined,
    term: 0,
    known: new KnownLeadership(),
    yielding: false,
    proposals: new Map(),
    lastDeclarationAt: 0,
    stallGraceFor: Number.NaN,
    lastDeclaredAt: Number.NEGATIVE_INFINITY,
    silent: new Set(),
    abdicated: undefined,
    unconfirmedSuccessor: undefined,
    startupDeadline: 0,
    sampledViewSize: 0,
    answeredView: new Set(),
    backoffReason: '',
    retryReason: '',
    handoverWait: undefined,
    timers: new Map(),
    counters: {
      proposalsSent: 0,
      declarationsSent: 0,
      abdicationsSent: 0,
      staleDropped: 0,
      outsideViewDropped: 0,
      invalidDropped: 0,
      hintsSent: 0,
      termJumpsDropped: 0,
      stallGraces: 0,
    },
  };
}

/**
 * What every transition works with during one step: who we are, the settings, the state it changes, the
 * surroundings it reads and the effects it appends. The functions in this folder take it as `c`.
 */
export interface Core {
  readonly self: PeerId;
  readonly config: ResolvedElectionConfig;
  /** Whether the driver can send to one peer (else answers go by gossip). */
  readonly canSend: boolean;
  readonly s: CoreState;
  env: Surroundings;
  effects: ElectionEffect[];
}

export function snapshot(c: Core): ElectionState {
  const { s } = c;
  return {
    id: c.self,
    role: s.leading ? 'leader' : 'follower',
    leaderId: s.leader,
    term: s.term,
    highestTermSeen: s.known.term,
    phase: s.phase,
    yielding: s.yielding,
  };
}

// ---- effects ----------------------------------------------------------------------------------------------

export function gossip(c: Core, message: ElectionWireMessage): void {
  c.effects.push({ type: 'gossip', message });
}

export function sendTo(c: Core, to: PeerId, message: ElectionWireMessage): void {
  c.effects.push({ type: 'send', to, message });
}

export function setTimer(c: Core, name: TimerName, delayMs: number): void {
  const delay = Math.max(0, delayMs);
  c.s.timers.set(name, c.env.now + delay);
  c.effects.push({ type: 'set-timer', name, delayMs: delay });
}

export function clearTimers(c: Core, ...names: TimerName[]): void {
  for (const name of names) {
    if (c.s.timers.delete(name)) c.effects.push({ type: 'cancel-timer', name });
  }
}

export function hasTimer(c: Core, name: TimerName): boolean {
  return c.s.timers.has(name);
}

export function emit(c: Core, type: ElectionEventType, reason?: string): void {
  const state = snapshot(c);
  const { leaderId, term } = state;
  const at = c.env.now;
  const event = reason === undefined ? { type, at, leaderId, term } : { type, at, leaderId, term, reason };
  c.effects.push({ type: 'event', event, state });
}

export function notifyLeadership(c: Core, isLeader: boolean): void {
  c.effects.push({ type: 'leadership', isLeader, info: { term: c.s.term, leaderId: c.s.leader } });
}

export function reportMetrics(c: Core, isLeader: boolean): void {
  c.effects.push({ type: 'report-metrics', isLeader });
}

/** A peer not expected to take part in an election now: a leader gone silent, or one that just abdicated. */
export function excluded(c: Core, peer: PeerId): boolean {
  return peer === c.s.abdicated || c.s.silent.has(peer);
}

/** Fabric's stopYielding. */
export function stopYielding(c: Core): void {
  c.s.yielding = false;
  clearTimers(c, 'yield');
}
