import * as handover from '../handover';
import { stallGrace } from '../stall-grace';
import type { PeerId } from '../types';
import {
  type Core,
  clearTimers,
  emit,
  hasTimer,
  notifyLeadership,
  reportMetrics,
  setTimer,
  stopYielding,
} from './context';
import { startElection } from './elect';
import { answer, becomeLeader, clearElectionTimers, heartbeatOnViewChange, watchedSlowdown } from './lead';

/** Following: Fabric's follower(), its stopBeingLeader, and the liveness and succession this port adds. */

/** Fabric's stopBeingLeader on a lower id's declaration. The callback and event name the new leadership. */
export function stepDown(c: Core, leader: PeerId, term: number): void {
  const { s } = c;
  s.leading = false;
  clearTimers(c, 'heartbeat');
  s.leader = leader;
  s.term = term;
  emit(c, 'leadership-lost', 'lower-id-leader');
  notifyLeadership(c, false);
  reportMetrics(c, false);
  follow(c, leader, term, 'lower-id-leader');
}

/** Fabric's leaderExists = true on a declaration, and follower(): proposals cleared, metrics reported. */
export function follow(c: Core, leader: PeerId, term: number, reason: string): void {
  const { s } = c;
  const leaderChanged = s.leader !== leader;
  const termChanged = term !== s.term;
  if (!leaderChanged && s.phase === 'steady' && !s.leading && !s.yielding) {
    // The hot path: a heartbeat of the leader we follow. No election timer can be pending here.
    s.lastDeclarationAt = c.env.now;
    if (s.proposals.size > 0) s.proposals.clear();
    if (!hasTimer(c, 'liveness')) armLiveness(c);
    if (termChanged) {
      s.term = term;
      emit(c, 'term-changed', reason);
    }
    return;
  }
  s.leader = leader;
  s.term = term;
  s.lastDeclarationAt = c.env.now;
  s.proposals.clear();
  clearElectionTimers(c);
  clearTimers(c, 'sample');
  s.phase = 'steady';
  if (!hasTimer(c, 'liveness')) armLiveness(c);
  // Fabric's run(): a yield ends when a leader is confirmed; here not on a successor adopted on its
  // predecessor's word.
  if (s.yielding && reason !== 'handover') stopYielding(c);
  if (leaderChanged) {
    emit(c, 'leader-changed', reason);
    reportMetrics(c, false);
  } else if (termChanged) {
    emit(c, 'term-changed', reason);
  }
}

/** Liveness: suspect the leader exactly leaderAliveThreshold after its last declaration (Fabric: T..2T). */
function armLiveness(c: Core): void {
  const due = c.s.lastDeclarationAt + aliveThreshold(c);
  setTimer(c, 'liveness', due - c.env.now);
}

/** The threshold, longer for a leader we watch (watched peers: it declares less often; see lead.ts). */
function aliveThreshold(c: Core): number {
  const { leader } = c.s;
  const watched = leader !== undefined && c.env.view.watches(leader);
  return watched ? c.config.leaderAliveThreshold * watchedSlowdown : c.config.leaderAliveThreshold;
}

/** Fabric's follower(), woken: no declaration within the threshold means no leader. */
export function checkLiveness(c: Core): void {
  const { s, config } = c;
  if (s.leading || s.leader === undefined) return;
  const now = c.env.now;
  const due = s.lastDeclarationAt + aliveThreshold(c);
  if (now < due) {
    armLiveness(c);
    return;
  }
  // Stall grace: ran late, so we were stalled, and the leader's declaration may be queued behind this timer.
  const grace =
    s.stallGraceFor === s.lastDeclarationAt ? 0 : stallGrace(config.leaderAliveThreshold, now - due);
  if (grace > 0) {
    s.stallGraceFor = s.lastDeclarationAt;
    s.counters.stallGraces++;
    setTimer(c, 'liveness', grace);
    return;
  }
  suspectLeader(c, 'leader-silent');
}

/** Fabric's leaderExists = false, then an election (or, when the mesh saw the leader go, a succession). */
export function suspectLeader(c: Core, reason: string): void {
  const { s } = c;
  if (s.leader !== undefined) s.silent.add(s.leader);
  s.leader = undefined;
  clearTimers(c, 'liveness');
  emit(c, 'leader-changed', reason);
  if (reason === 'leader-left') succeed(c, reason);
  else startElection(c, reason);
}

/**
 * Immediate successor: the leader left our view (the mesh saw it go); the successor every view agrees on
 * declares at once, the others wait for it only D before a normal election (see handover.ts).
 */
function succeed(c: Core, reason: string): void {
  const { s, env } = c;
  // Only exclusions every peer shares (not `abdicated`: the peer that abdicated does not exclude itself).
  // A view still filling (links to room members opening) is not one every peer agrees on.
  const successor = handover.agreedSuccessor([c.self, ...env.view.peers()], s.silent);
  if (s.yielding || successor === undefined || env.view.settling()) startElection(c, reason);
  else if (successor === c.self) becomeLeader(c, reason);
  else awaitSuccessor(c, 'successor-timeout');
}

/** Abdication in one hop: follow the successor under the term its predecessor named; suspect it if silent for D. */
export function adoptSuccessor(c: Core, successor: PeerId, term: number): void {
  follow(c, successor, term, 'handover');
  c.s.unconfirmedSuccessor = successor;
  c.s.handoverWait = { kind: 'confirm', successor };
  setTimer(c, 'handover', c.config.leaderElectionDuration);
}

/** Wait briefly for a successor's declaration; fall back to a normal election for `reason` if it never comes. */
export function awaitSuccessor(c: Core, reason: string): void {
  clearElectionTimers(c);
  clearTimers(c, 'sample');
  c.s.phase = 'electing';
  c.s.handoverWait = { kind: 'await', reason };
  setTimer(c, 'handover', c.config.leaderElectionDuration);
}

/** The 'handover' timer fired: the successor never confirmed, or never declared. */
export function handoverOver(c: Core): void {
  const wait = c.s.handoverWait;
  c.s.handoverWait = undefined;
  if (wait === undefined) return;
  if (wait.kind === 'await') startElection(c, wait.reason);
  else if (c.s.leader === wait.successor && c.s.unconfirmedSuccessor === wait.successor)
    suspectLeader(c, 'successor-silent');
}

/** The view changed: a leader answers newcomers; a follower whose leader left the view suspects it at once. */
export function viewChanged(c: Core): void {
  const { s, env } = c;
  for (const peer of s.silent) if (!env.view.has(peer)) s.silent.delete(peer);
  if (s.leading) {
    const view = env.view.peers();
    for (const peer of view) if (!s.answeredView.has(peer)) answer(c, peer);
    s.answeredView = new Set(view);
    heartbeatOnViewChange(c);
    return;
  }
  if (s.leader !== undefined && !env.view.has(s.leader)) suspectLeader(c, 'leader-left');
}
