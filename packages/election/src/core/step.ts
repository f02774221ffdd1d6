import type { ResolvedElectionConfig } from '../config';
import * as handover from '../handover';
import type { ElectionState, ElectionStats, PeerId } from '../types';
import {
  type Core,
  type CoreState,
  clearTimers,
  emit,
  initialState,
  notifyLeadership,
  reportMetrics,
  setTimer,
  snapshot,
} from './context';
import { backoffOver, finishElection, roomMaybeEmpty, sampleView, startElection, startup } from './elect';
import { adoptSuccessor, checkLiveness, handoverOver, viewChanged } from './follow';
import type { ElectionEffect, ElectionInput, Surroundings, TimerName } from './io';
import { abdicate, declare } from './lead';
import { receive } from './receive';

/*
 * Hyperledger Fabric's leader election (gossip/election/election.go, Apache-2.0), its pseudo-code line by
 * line, and where each line lives here. Fabric's goroutines wait; here every wait is a named timer whose
 * firing is an input to `step`.
 *
 *   Startup():
 *     wait for membership view to stabilize,          elect.ts startup, sampleView ('sample' timer)
 *     or for a leadership declaration is received,    receive.ts onDeclaration → follow.ts follow
 *     or the startup timeout expires.                 elect.ts sampleView (startupDeadline)
 *     goto SteadyState()
 *   SteadyState():
 *     If leaderKnown is false: LeaderElection()       elect.ts startElection
 *     If you are the leader:
 *       Broadcast leadership declaration              lead.ts declare ('heartbeat' timer, every T/2)
 *       If a declaration was received from a lower
 *       ID, become a follower                         receive.ts onDeclaration → follow.ts stepDown
 *     Else, you're a follower:
 *       If no declaration within a time threshold:
 *         set leaderKnown to false                    follow.ts checkLiveness ('liveness') → suspectLeader
 *   LeaderElection():
 *     Gossip leadership proposal message              elect.ts propose
 *     Collect messages for a time period              'election' timer; receive.ts onProposal
 *     If received a declaration: return               follow.ts follow (clears the election timers)
 *     If a proposal from a lower ID was received,
 *       return                                        elect.ts finishElection → hasLowerProposal ('retry')
 *     Else, declare yourself a leader                 lead.ts becomeLeader
 *   Yield(): stop leading; sit out elections until
 *     a leader is known or 6 × T passes               step.ts yieldLeadership ('yield' timer), follow.ts follow
 *   Stop()                                            step.ts stopElection
 *
 * What this port adds, each in its own function or tagged branch, explained in README "The election":
 * - Terms (fencing tokens): known-leadership.ts; the `Terms:` branches of receive.ts; lead.ts raiseTerm.
 * - Abdication, in one hop: handover.ts; lead.ts abdicate; receive.ts onAbdication; follow.ts adoptSuccessor.
 * - Immediate successor when the mesh sees the leader leave: follow.ts succeed.
 * - Newcomer answers: lead.ts answer, requestDeclaration; follow.ts viewChanged.
 * - Leader hints: receive.ts hintLeader, onLeaderHint.
 * - Backoff (lower ids propose first): elect.ts backoff, backoffOver.
 * - Settling (start-up waits for links still opening; an empty room ends it at once): elect.ts sampleView,
 *   roomMaybeEmpty.
 * - Stall grace (a late liveness check waits once more): follow.ts checkLiveness, stall-grace.ts.
 * - Watched peers (heartbeats 10 times slower where the transport tells of a peer's end): lead.ts declare,
 *   heartbeatOnViewChange; follow.ts aliveThreshold.
 */

/** Fabric clears the yield flag after 6 × leaderAliveThreshold. */
const yieldThresholds = 6;

/**
 * One peer's election as a pure state machine: `step` takes an input and the surroundings (time, view) and
 * returns the effects to apply. No clock, no timers, no adapter: the driver in `election.ts` owns those.
 */
export class ElectionCore {
  readonly #c: Core;

  /** @param canSend whether the driver can send to one peer (else answers go by gossip) */
  constructor(self: PeerId, config: ResolvedElectionConfig, canSend: boolean) {
    this.#c = {
      self,
      config,
      canSend,
      s: initialState(),
      env: { now: 0, view: noView },
      effects: [],
    };
  }

  step(input: ElectionInput, env: Surroundings): ElectionEffect[] {
    const c = this.#c;
    c.env = env;
    c.effects = [];
    dispatch(c, input);
    const effects = c.effects;
    c.effects = [];
    return effects;
  }

  /** A new snapshot of the state (see the accessors below for single fields without one). */
  get state(): ElectionState {
    return snapshot(this.#c);
  }

  get leading(): boolean {
    return this.#c.s.leading;
  }

  get leaderId(): PeerId | undefined {
    return this.#c.s.leader;
  }

  get term(): number {
    return this.#c.s.term;
  }

  get stopped(): boolean {
    return this.#c.s.phase === 'stopped';
  }

  get stats(): ElectionStats {
    return { ...this.#c.s.counters };
  }

  /** @internal For tests: the state the core keeps between steps. */
  get internals(): Readonly<CoreState> {
    return this.#c.s;
  }
}

function dispatch(c: Core, input: ElectionInput): void {
  if (c.s.phase === 'stopped') return;
  switch (input.type) {
    case 'start':
      startup(c);
      return;
    case 'message':
      receive(c, input.message);
      return;
    case 'timer':
      // A timer cancelled or replaced meanwhile does nothing (the driver should not deliver it anyway).
      if (c.s.timers.delete(input.name)) onTimer[input.name](c);
      return;
    case 'view-changed':
      if (c.s.phase === 'starting') roomMaybeEmpty(c);
      else viewChanged(c);
      return;
    case 'yield':
      yieldLeadership(c, input.successor);
      return;
    case 'stop':
      stopElection(c);
      return;
  }
}

/** What each timer's firing means: the end of one of Fabric's waits (or of an extension's). */
const onTimer: Readonly<Record<TimerName, (c: Core) => void>> = {
  sample: sampleView,
  linked: roomMaybeEmpty,
  backoff: backoffOver,
  election: finishElection,
  retry: (c) => startElection(c, c.s.retryReason),
  handover: handoverOver,
  liveness: checkLiveness,
  heartbeat: declare,
  yield: (c) => yieldOver(c),
};

/** Fabric's Yield: only a leader that is not already yielding steps aside (here, to `successor` if usable). */
function yieldLeadership(c: Core, successor?: PeerId): void {
  const { s } = c;
  if (!s.leading || s.yielding) return;
  s.yielding = true;
  const abdication = abdicate(c, successor);
  s.leading = false;
  s.leader = undefined;
  clearTimers(c, 'heartbeat');
  setTimer(c, 'yield', c.config.leaderAliveThreshold * yieldThresholds);
  emit(c, 'leadership-lost', 'yield');
  notifyLeadership(c, false);
  emit(c, 'yielded');
  reportMetrics(c, false);
  // Abdication in one hop, for the yielder too: it follows the successor it named, under the term it named,
  // as its followers do, instead of waiting for the successor's declaration (which confirms it and ends the
  // yield).
  const named = abdication.successor;
  if (named !== undefined && abdication.successorTerm !== undefined) {
    handover.observeAbdication(s.known, abdication);
    adoptSuccessor(c, named, abdication.successorTerm);
  }
}

/** Fabric's yield timer: the flag clears, and a peer that knows no leader elects. */
function yieldOver(c: Core): void {
  c.s.yielding = false;
  if (c.s.leader === undefined && !c.s.leading) startElection(c, 'yield-over');
}

/** Fabric's Stop; a leader hands over first (abdication). */
function stopElection(c: Core): void {
  const { s } = c;
  const wasLeading = s.leading;
  if (wasLeading) abdicate(c);
  s.phase = 'stopped';
  s.leading = false;
  if (wasLeading) s.leader = undefined;
  clearTimers(c, ...s.timers.keys());
  s.proposals.clear();
  if (wasLeading) {
    emit(c, 'leadership-lost', 'stop');
    notifyLeadership(c, false);
    reportMetrics(c, false);
  }
  emit(c, 'stopped');
}

const noView: Surroundings['view'] = {
  peers: () => [],
  has: () => false,
  settling: () => false,
  roomLinked: () => undefined,
  watches: () => false,
};
