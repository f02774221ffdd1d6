import { compareIds } from '../compare-ids';
import * as handover from '../handover';
import {
  type AbdicationMessage,
  type ElectionWireMessage,
  isElectionWireMessage,
  messageLimits,
} from '../messages';
import type { PeerId } from '../types';
import { type Core, clearTimers, emit, sendTo, stopYielding } from './context';
import { retryAfter, startElection } from './elect';
import { adoptSuccessor, awaitSuccessor, follow, stepDown } from './follow';
import { answer, becomeLeader, clearElectionTimers, proposal, raiseTerm } from './lead';

/** Messages in: Fabric's handleMessages and handleMessage, plus terms, abdications and leader hints. */

/** Fabric's handleMessages: drop what is not from a peer in the view; here also bad shapes and term jumps. */
export function receive(c: Core, raw: unknown): void {
  const { s } = c;
  if (!isElectionWireMessage(raw)) {
    s.counters.invalidDropped++;
    return;
  }
  const message: ElectionWireMessage = raw;
  if (message.sender === c.self) return;
  if (!c.env.view.has(message.sender)) {
    s.counters.outsideViewDropped++;
    return;
  }
  if (handover.highestTermCarried(message) > s.known.term + messageLimits.maxTermStep) {
    s.counters.termJumpsDropped++;
    return;
  }
  if (s.silent.size > 0) s.silent.delete(message.sender);
  if (s.abdicated === message.sender) s.abdicated = undefined;
  switch (message.type) {
    case 'proposal':
      onProposal(c, message.sender, message.term, message.holder);
      break;
    case 'declaration':
      onDeclaration(c, message.sender, message.term);
      break;
    case 'abdication':
      onAbdication(c, message);
      break;
    case 'leader-hint':
      onLeaderHint(c, message.term, message.leader);
      break;
  }
}

/** Fabric: `proposals.Add(sender)`. Terms: a leader also answers, or rises above a term it shares. */
function onProposal(c: Core, sender: PeerId, term: number, holder: PeerId | undefined): void {
  const { s } = c;
  s.proposals.set(sender, term);
  s.known.observe(term, holder);
  if (!s.leading) {
    hintLeader(c, sender, term, holder);
    return;
  }
  // Newcomer answers: the proposer knows no leader, so answer now rather than at the next heartbeat. Terms: if
  // it knows a leadership at our term or above that is not ours, our term is not unique: rise above it.
  if (term > s.term || (term === s.term && holder !== undefined && holder !== c.self)) {
    raiseTerm(c, 'higher-term');
  } else {
    answer(c, sender);
  }
}

/**
 * Fabric: a declaration means a leader exists, and a leader steps down for a lower id. Terms decide which
 * declarations may be followed (see known-leadership.ts); the rest are answered or outranked. One handler
 * per role, like raft's stepLeader and stepFollower.
 */
function onDeclaration(c: Core, sender: PeerId, term: number): void {
  const { s } = c;
  if (sender === s.unconfirmedSuccessor) s.unconfirmedSuccessor = undefined;
  const acceptable = s.known.allows(sender, term);
  s.known.observe(term, sender);
  if (term < s.term) s.counters.staleDropped++;
  if (s.leading) leaderHearsDeclaration(c, sender, term, acceptable);
  else followerHearsDeclaration(c, sender, term, acceptable);
}

/** A leader hears another leader: Fabric steps down for a lower id; terms decide how. */
function leaderHearsDeclaration(c: Core, sender: PeerId, term: number, acceptable: boolean): void {
  if (compareIds(sender, c.self) < 0) {
    // Fabric's branch: the lower id wins, once its term is above everything we know.
    if (acceptable) stepDown(c, sender, term);
    // Terms: tell it ours, so it rises; or, if it could not learn anything from our term, rise first ourselves.
    else if (c.s.term >= term) answer(c, sender);
    else raiseTerm(c, 'higher-term');
  } else if (term >= c.s.term) {
    // Terms: we win on id; outrank its term so that its followers come over and it steps down.
    raiseTerm(c, 'higher-term');
  } else {
    // Terms: an older leadership (a replay, a delayed message, a stale leader) never unseats us; answer so
    // that a live stale leader learns our term.
    answer(c, sender);
  }
}

/** A follower (or a peer in start-up or an election) hears a leader: Fabric's leaderExists = true. */
function followerHearsDeclaration(c: Core, sender: PeerId, term: number, acceptable: boolean): void {
  const { s } = c;
  if (s.leader === sender && term >= s.term) {
    follow(c, sender, term, 'declaration');
  } else if (acceptable) {
    follow(c, sender, term, s.leader === undefined ? 'declaration' : 'newer-leadership');
  } else if (s.leader === undefined && term >= s.term) {
    // Terms: its term is already taken by a leadership we know of: ask it to rise above it, then follow.
    hint(c, sender);
  }
}

/** Abdication in one hop (see handover.ts): adopt the named successor and its term at once when that is safe. */
function onAbdication(c: Core, message: AbdicationMessage): void {
  const { s } = c;
  const { sender, term } = message;
  if (sender === s.unconfirmedSuccessor && sender === s.leader && term === s.term) {
    // The successor we follow on its predecessor's word abdicates in turn: it did lead, which confirms it
    // (and ends our yield) as its declaration would have.
    s.unconfirmedSuccessor = undefined;
    if (s.yielding) stopYielding(c);
  }
  const ours = s.leader === sender ? term === s.term : s.leader === undefined && s.known.is(sender, term);
  const verdict = handover.judgeAbdication(message, {
    self: c.self,
    yielding: s.yielding,
    currentTerm: s.term,
    known: s.known,
    usable: (peer) => c.env.view.has(peer) && !s.silent.has(peer),
  });
  handover.observeAbdication(s.known, message);
  if (!ours || s.leading) {
    if (term < s.term) s.counters.staleDropped++;
    return;
  }
  const hadLeader = s.leader !== undefined;
  s.leader = undefined;
  s.abdicated = sender;
  s.proposals.clear();
  clearTimers(c, 'liveness');
  if (verdict.action === 'adopt') {
    adoptSuccessor(c, verdict.successor, verdict.term);
    return;
  }
  if (hadLeader) emit(c, 'leader-changed', 'handover');
  if (verdict.action === 'lead') becomeLeader(c, 'handover', verdict.term);
  else if (verdict.action === 'await') awaitSuccessor(c, 'handover-timeout');
  else startElection(c, 'handover');
}

/**
 * Leader hints: a follower that hears a proposal from a peer that does not know its leadership at all (lower
 * term, or the same term under another holder) tells it who leads. Typical case: a newcomer whose link to the
 * leader opened last, so its own view held no leader when its start-up ended. A peer that suspects our leader
 * proposes naming it (same term and holder) and gets no hint, so crash failover is not slowed down.
 */
function hintLeader(c: Core, proposer: PeerId, term: number, holder: PeerId | undefined): void {
  const { s } = c;
  const leader = s.leader;
  if (leader === undefined || proposer === leader || s.phase !== 'steady' || !c.canSend) return;
  if (term > s.term || (term === s.term && holder === leader)) return;
  sendTo(c, proposer, { type: 'leader-hint', sender: c.self, term: s.term, leader });
  s.counters.hintsSent++;
}

/**
 * Leader hints: a peer in our view says `leader` leads under `term`. If that is news above what we know and we
 * are not following or leading anyone, hold our election for one leaderAliveThreshold: the leader answers us
 * as soon as our link to it opens. If it never does, the retry timer runs a normal election.
 */
function onLeaderHint(c: Core, term: number, leader: PeerId): void {
  const { s } = c;
  if (s.leading || s.leader !== undefined || s.yielding || leader === c.self) return;
  if (s.phase !== 'starting' && s.phase !== 'electing') return;
  if (!s.known.allows(leader, term) || term === 0) return;
  s.known.observe(term, leader);
  clearElectionTimers(c);
  clearTimers(c, 'sample');
  s.phase = 'electing';
  retryAfter(c, c.config.leaderAliveThreshold, 'hint-expired');
}

/** Terms: tell a leader we cannot follow the highest leadership we know of, so that it rises above it. */
function hint(c: Core, leader: PeerId): void {
  if (!c.canSend) return; // it will learn from our next proposal
  sendTo(c, leader, proposal(c));
  c.s.counters.proposalsSent++;
}
