import { compareIds } from './compare-ids';
import type { PeerId } from './types';

/** One leadership: who led, under which term. */
export interface LeadershipRef {
  readonly term: number;
  readonly leaderId: PeerId;
}

/**
 * Total order of leaderships, for fencing: by term, then the lower leader id ranks higher (the one that wins a
 * merge). Returns < 0, 0 or > 0 like a sort comparator (a > b means a is the newer/stronger leadership).
 *
 * Why the pair and not the term alone: this is a gossip election without quorums, so two groups that cannot
 * hear each other (a partition, or lost messages) can elect at the same time and pick the same term. Within a
 * group whose peers hear each other, the survivor of any contest re-declares above every term it has seen, so
 * once the group has converged its leader's term is higher than that of every leadership it displaced. A
 * resource guarded by a fencing token should keep the highest pair it has seen and refuse anything lower.
 */
export function compareLeadership(a: LeadershipRef, b: LeadershipRef): number {
  if (a.term !== b.term) return a.term < b.term ? -1 : 1;
  return compareIds(b.leaderId, a.leaderId);
}
