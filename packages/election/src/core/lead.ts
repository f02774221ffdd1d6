import * as handover from '../handover';
import type { AbdicationMessage, ElectionWireMessage } from '../messages';
import type { PeerId } from '../types';
import {
  type Core,
  clearTimers,
  emit,
  gossip,
  notifyLeadership,
  reportMetrics,
  sendTo,
  setTimer,
} from './context';

/** Leading: Fabric's beLeader and leader(), and what this port adds to them (terms, answers, abdication). */

/** Fabric's beLeader. `term`: the one a hand-over named (checked allowed); otherwise above every term known. */
export function becomeLeader(c: Core, reason: string, term?: number): void {
  const { s } = c;
  clearElectionTimers(c);
  clearTimers(c, 'sample', 'liveness');
  s.term = s.known.next(c.self, term);
  s.leading = true;
  s.leader = c.self;
  s.phase = 'steady';
  s.proposals.clear();
  s.answeredView = new Set(c.env.view.peers());
  // Declare before telling listeners: what they send on becoming leader (shared-work's catch-up requests)
  // must not delay the message every follower is waiting for.
  declare(c);
  emit(c, 'leadership-gained', reason);
  notifyLeadership(c, true);
}

/** Terms: leadership under a new term above every term seen, a new fencing token, announced at once. */
export function raiseTerm(c: Core, reason: string): void {
  c.s.term = c.s.known.next(c.self);
  declare(c);
  emit(c, 'term-changed', reason);
  notifyLeadership(c, true);
}

/**
 * Watched peers (not in Fabric): how many times less often a leader whose every peer watches it declares, and
 * how many times longer a follower that watches its leader waits for a declaration (see
 * `ElectionAdapter.watches`: the transport tells at once when a watched peer ends, so heartbeats only guard
 * against a leader that hangs without ending). README "The election", watched peers.
 */
export const watchedSlowdown = 10;

/** Fabric's leader(): gossip a declaration, report metrics, and again after leaderAliveThreshold / 2. */
export function declare(c: Core): void {
  const { s } = c;
  if (!s.leading) return;
  gossip(c, { type: 'declaration', sender: c.self, term: s.term });
  s.counters.declarationsSent++;
  s.lastDeclaredAt = c.env.now;
  reportMetrics(c, true);
  const every = c.config.leaderAliveThreshold / 2;
  setTimer(c, 'heartbeat', allWatched(c) ? every * watchedSlowdown : every);
}

/** Watched peers: a peer entered the view that does not watch us, so declare at the usual rate again. */
export function heartbeatOnViewChange(c: Core): void {
  const { s } = c;
  if (!s.leading || allWatched(c)) return;
  const usual = s.lastDeclaredAt + c.config.leaderAliveThreshold / 2;
  const due = s.timers.get('heartbeat');
  if (due === undefined || due > usual) setTimer(c, 'heartbeat', Math.max(0, usual - c.env.now));
}

function allWatched(c: Core): boolean {
  const { view } = c.env;
  return view.peers().every((peer) => view.watches(peer));
}

/** Newcomer answers: declare soon, now unless we declared very recently (then once more, a little later). */
export function requestDeclaration(c: Core): void {
  const { s, config } = c;
  if (!s.leading) return;
  const gap = Math.min(config.leaderElectionDuration, config.leaderAliveThreshold / 2) / 4;
  const earliest = s.lastDeclaredAt + gap;
  const now = c.env.now;
  if (now >= earliest) {
    declare(c);
    return;
  }
  const due = s.timers.get('heartbeat');
  if (due === undefined || due > earliest) setTimer(c, 'heartbeat', earliest - now);
}

/** Newcomer answers: tell one peer who leads, directly when the driver can, else by gossip (rate-limited). */
export function answer(c: Core, peer: PeerId): void {
  if (c.canSend) {
    sendTo(c, peer, { type: 'declaration', sender: c.self, term: c.s.term });
    c.s.counters.declarationsSent++;
  } else {
    requestDeclaration(c);
  }
}

/**
 * Abdication: gossip that we stop leading, naming a successor and its term: `preferred` when it is in the
 * view and has not gone silent, else the lowest usable id.
 */
export function abdicate(c: Core, preferred?: PeerId): AbdicationMessage {
  const { view } = c.env;
  const successor =
    preferred !== undefined && preferred !== c.self && view.has(preferred) && !c.s.silent.has(preferred)
      ? preferred
      : handover.agreedSuccessor(view.peers(), c.s.silent);
  const abdication = handover.abdication(c.self, c.s.term, successor, c.s.known);
  gossip(c, abdication);
  c.s.counters.abdicationsSent++;
  return abdication;
}

/** Fabric's proposal, carrying the highest leadership we know of (terms). */
export function proposal(c: Core): ElectionWireMessage {
  const { term, holder } = c.s.known;
  return holder === undefined
    ? { type: 'proposal', sender: c.self, term }
    : { type: 'proposal', sender: c.self, term, holder };
}

export function clearElectionTimers(c: Core): void {
  clearTimers(c, 'backoff', 'election', 'retry', 'handover');
}
