import { lowestId } from './compare-ids';
import type { KnownLeadership } from './known-leadership';
import { type AbdicationMessage, type ElectionWireMessage, messageLimits } from './messages';
import type { PeerId } from './types';

/**
 * Who takes over when a leader goes, and under which term: the decisions behind the README's "The election",
 * items _Abdication, in one hop_ and _Immediate successor_. Pure functions of what one peer knows; the
 * election acts on their answers.
 */

/**
 * The successor a leader names when it abdicates, and the one that its peers agree on when the leader has
 * left their views: the lowest id, leaders seen going silent excepted. Peers with the same view pick the same
 * one, so only exclusions all peers share count (a peer that just abdicated does not exclude itself).
 */
export function agreedSuccessor(
  candidates: Iterable<PeerId>,
  excluded: ReadonlySet<PeerId>,
): PeerId | undefined {
  const eligible: PeerId[] = [];
  for (const peer of candidates) if (!excluded.has(peer)) eligible.push(peer);
  return lowestId(eligible);
}

/**
 * The abdication a leader gossips. `successorTerm` is above every term the leader knows: the successor
 * declares exactly that term and the leader's followers adopt it at once, so a hand-over takes one message.
 */
export function abdication(
  sender: PeerId,
  term: number,
  successor: PeerId | undefined,
  known: KnownLeadership,
): AbdicationMessage {
  if (successor === undefined) return { type: 'abdication', sender, term };
  return { type: 'abdication', sender, term, successor, successorTerm: known.term + 1 };
}

/** The highest term a message asks its receiver to accept: what the term-jump bound applies to. */
export function highestTermCarried(message: ElectionWireMessage): number {
  return message.type === 'abdication' && message.successorTerm !== undefined
    ? Math.max(message.term, message.successorTerm)
    : message.term;
}

/**
 * Every peer that hears an abdication remembers the successor's leadership (within the term-jump bound), even
 * if it does not adopt it: some of its peers may, so the next leader must take a term above it.
 */
export function observeAbdication(known: KnownLeadership, message: AbdicationMessage): void {
  known.observe(message.term, message.sender);
  const { successor, successorTerm } = message;
  if (successor !== undefined && successorTerm !== undefined && successorTerm > message.term)
    known.observe(successorTerm, successor);
}

/** What a follower does with an abdication of the leadership it follows (or of the highest one it knows). */
export type AbdicationVerdict =
  /** We are the successor: declare now, under `term` (undefined: the next term above everything known). */
  | { readonly action: 'lead'; readonly term: number | undefined }
  /** Follow the successor under `term` now; its declaration will confirm it. */
  | { readonly action: 'adopt'; readonly successor: PeerId; readonly term: number }
  /** The successor is usable but named no term we can follow: wait briefly for its declaration. */
  | { readonly action: 'await'; readonly successor: PeerId }
  /** No usable successor (none, the sender itself, gone from our view, gone silent): elect. */
  | { readonly action: 'elect' };

export interface AbdicationContext {
  readonly self: PeerId;
  readonly yielding: boolean;
  readonly currentTerm: number;
  /** Known before the abdication arrived. */
  readonly known: KnownLeadership;
  /** In our view and expected to take part. */
  readonly usable: (peer: PeerId) => boolean;
}

/**
 * Decide on an abdication that the caller has checked is of the leadership it follows. The successor's term
 * is adopted only if it is above the abdicated term and the follower's own term, within the term-jump bound,
 * and a leadership the follower may follow (above everything it knows, or that very one): so a follower never
 * follows two leaders under one term, and a term taken by another leader is never reused.
 */
export function judgeAbdication(message: AbdicationMessage, context: AbdicationContext): AbdicationVerdict {
  const { successor, successorTerm } = message;
  if (successor === undefined || successor === message.sender) return { action: 'elect' };
  const { known } = context;
  const term =
    successorTerm !== undefined &&
    successorTerm > message.term &&
    successorTerm > context.currentTerm &&
    successorTerm <= known.term + messageLimits.maxTermStep &&
    known.allows(successor, successorTerm)
      ? successorTerm
      : undefined;
  if (successor === context.self) return context.yielding ? { action: 'elect' } : { action: 'lead', term };
  if (!context.usable(successor)) return { action: 'elect' };
  return term === undefined ? { action: 'await', successor } : { action: 'adopt', successor, term };
}
