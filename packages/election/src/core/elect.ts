import { compareIds } from '../compare-ids';
import { type Core, clearTimers, emit, excluded, gossip, setTimer } from './context';
import { becomeLeader, clearElectionTimers, proposal } from './lead';

/** Start-up and elections: Fabric's waitForMembershipStabilization and leaderElection. */

/** A rank beyond this waits the whole proposalBackoff. */
const backoffRanks = 4;

/** Fabric's waitForMembershipStabilization, begun: sample the view size until it settles. */
export function startup(c: Core): void {
  const { s, config, env } = c;
  s.startupDeadline = env.now + config.startupGracePeriod;
  s.sampledViewSize = env.view.peers().length;
  setTimer(c, 'sample', config.membershipSampleInterval);
  // Not in Fabric: a transport that knows the room is asked first thing, once the caller has told it who is in
  // the room.
  if (env.view.roomLinked() !== undefined) setTimer(c, 'linked', 0);
}

/**
 * Not in Fabric: a peer alone in a room it knows to be empty has nothing to wait for, and ends start-up at
 * once. With peers in the view it still waits for the view to settle: a sitting leader's answer may be on its
 * way (under load, longer than an election round), and a newcomer must not lead beside it.
 */
export function roomMaybeEmpty(c: Core): void {
  const { view } = c.env;
  if (c.s.phase === 'starting' && view.peers().length === 0 && view.roomLinked() === true)
    startElection(c, 'startup');
}

/** Fabric: the view settled (same size twice in a row; here also not settling) or the grace period is over. */
export function sampleView(c: Core): void {
  const { s, env } = c;
  if (s.phase !== 'starting') return;
  const size = env.view.peers().length;
  const settled = size === s.sampledViewSize && !env.view.settling();
  if (settled || env.now >= s.startupDeadline) {
    startElection(c, 'startup');
    return;
  }
  s.sampledViewSize = size;
  setTimer(c, 'sample', c.config.membershipSampleInterval);
}

/** Fabric's leaderElection, begun: propose ourselves (after the backoff) unless a lower id already did. */
export function startElection(c: Core, reason: string): void {
  const { s } = c;
  if (s.phase === 'stopped' || s.leading || s.leader !== undefined) return;
  clearElectionTimers(c);
  clearTimers(c, 'sample');
  if (s.yielding) {
    // Fabric: a yielding peer does not take part; it waits for a leader or the end of the yield.
    s.phase = 'steady';
    return;
  }
  s.phase = 'electing';
  if (hasLowerProposal(c, true)) {
    setTimer(c, 'election', c.config.leaderElectionDuration);
    return;
  }
  const delay = backoff(c);
  if (delay === 0) {
    propose(c, reason);
    return;
  }
  s.backoffReason = reason;
  setTimer(c, 'backoff', delay);
}

/** Backoff: the wait is over; propose, unless a lower id proposed meanwhile. */
export function backoffOver(c: Core): void {
  if (hasLowerProposal(c, true)) setTimer(c, 'election', c.config.leaderElectionDuration);
  else propose(c, c.s.backoffReason);
}

/** Fabric's propose, then collect proposals for leaderElectionDuration. */
function propose(c: Core, reason: string): void {
  gossip(c, proposal(c));
  c.s.counters.proposalsSent++;
  emit(c, 'election-started', reason);
  setTimer(c, 'election', c.config.leaderElectionDuration);
}

/** Fabric's leaderElection, ended: declare unless someone declared or a lower id proposed. */
export function finishElection(c: Core): void {
  const { s } = c;
  if (s.phase !== 'electing' || s.leader !== undefined || s.yielding) return;
  if (hasLowerProposal(c)) {
    // Fabric: a lower id proposed; follow for a round, then try again if it never declared.
    s.proposals.clear();
    retryAfter(c, c.config.leaderAliveThreshold, 'retry');
    return;
  }
  becomeLeader(c, 'elected');
}

/** Run a normal election for `reason` after `delayMs`, unless a leader appears first. */
export function retryAfter(c: Core, delayMs: number, reason: string): void {
  c.s.retryReason = reason;
  setTimer(c, 'retry', delayMs);
}

/**
 * Did a lower id in our view propose (Fabric: then we do not declare)? With `covering`, only proposals that
 * carry a term at least as high as ours count: then staying quiet loses nothing the winner needs to know.
 */
function hasLowerProposal(c: Core, covering = false): boolean {
  const { s, self, env } = c;
  for (const [proposer, term] of s.proposals) {
    if (covering && term < s.known.term) continue;
    if (excluded(c, proposer)) continue;
    if (compareIds(proposer, self) < 0 && env.view.has(proposer)) return true;
  }
  return false;
}

/** Backoff (not in Fabric): lower ids propose first, so the others usually see a lower proposal and stay quiet. */
function backoff(c: Core): number {
  const { proposalBackoff } = c.config;
  if (proposalBackoff === 0) return 0;
  let rank = 0;
  for (const peer of c.env.view.peers()) {
    if (!excluded(c, peer) && compareIds(peer, c.self) < 0 && ++rank >= backoffRanks) break;
  }
  return (proposalBackoff * rank) / backoffRanks;
}
