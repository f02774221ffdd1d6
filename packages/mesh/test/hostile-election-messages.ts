import { messageLimits, type PeerId } from '@conclave/election';
import fc from 'fast-check';

/**
 * What a hostile member can send over its own, real data channel: well-formed election messages that lie
 * (stale, current, inflated, jumping and maximal terms; the sender, holder, successor and leader named as
 * itself, the leader, the receiver, or a stranger), some in another tab's name (spoofed), mixed with junk.
 *
 * Left out on purpose: a declaration in the attacker's own name at or above the term its receiver follows.
 * Above every term the room knows, that is standing for election and winning, which SECURITY.md lists under
 * "What is not defended"; and it can be done in two steps (first a proposal or abdication that names the
 * attacker as holder of an inflated term, then a declaration of that term), so the attacker's declarations
 * here are all stale or jump beyond the bound.
 */
export interface HostileRoom {
  readonly attacker: PeerId;
  readonly leader: PeerId;
  readonly victim: PeerId;
}

/** The receiver's terms when a message is built: the highest it knows, and the one it follows. */
export interface ReceiverTerms {
  readonly known: number;
  readonly current: number;
}

/** One message to send, built at send time from the receiver's terms then. */
export type HostileItem =
  | { readonly kind: 'junk'; readonly raw: string | Uint8Array }
  | { readonly kind: 'election'; readonly build: (receiver: ReceiverTerms) => unknown };

const stranger = fc
  .array(fc.constantFrom(...'0123456789abcdef'), { minLength: 32, maxLength: 32 })
  .map((chars) => chars.join(''));

/** A term relative to the one the receiver knows: stale, current, inflated within the step, beyond it, maximal. */
const termArb = fc.oneof(
  fc.integer({ min: -5, max: 0 }).map((offset) => (known: number) => Math.max(0, known + offset)),
  fc.integer({ min: 1, max: 1_000 }).map((offset) => (known: number) => known + offset),
  fc.constant((known: number) => known + messageLimits.maxTermStep + 1),
  fc.constant((_known: number) => messageLimits.maxTerm),
);

export function hostileItems(room: HostileRoom): fc.Arbitrary<HostileItem> {
  const { attacker, leader, victim } = room;
  const named = fc.oneof(fc.constant(attacker), fc.constant(leader), fc.constant(victim), stranger);
  // Mostly in its own name: those pass the sender check and reach the election.
  const sender = fc.oneof({ weight: 4, arbitrary: fc.constant(attacker) }, { weight: 1, arbitrary: named });
  const election = fc
    .record({
      type: fc.constantFrom('proposal', 'declaration', 'abdication', 'leader-hint'),
      sender,
      term: termArb,
      other: fc.option(named, { nil: undefined }),
      otherTerm: fc.option(termArb, { nil: undefined }),
    })
    .map(({ type, sender, term, other, otherTerm }): HostileItem => {
      const build = ({ known, current }: ReceiverTerms): unknown => {
        let t = term(known);
        // Not standing for election (see above): its own declarations are stale, or jump beyond the bound.
        if (type === 'declaration' && sender === attacker && t <= known + messageLimits.maxTermStep)
          t = Math.max(0, Math.min(t, current - 1));
        if (type === 'declaration') return { type, sender, term: t };
        if (type === 'proposal')
          return other === undefined ? { type, sender, term: t } : { type, sender, term: t, holder: other };
        if (type === 'leader-hint') return { type, sender, term: t, leader: other ?? attacker };
        const message: Record<string, unknown> = { type, sender, term: t };
        if (other !== undefined) message.successor = other;
        if (otherTerm !== undefined) message.successorTerm = otherTerm(known);
        return message;
      };
      return { kind: 'election', build };
    });
  const junk = fc
    .oneof(
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record({ ch: fc.constantFrom('election', 'links', 'ping', 'x'), msg: fc.jsonValue() })
        .map((v) => JSON.stringify(v)),
    )
    .map((raw): HostileItem => ({ kind: 'junk', raw }));
  return fc.oneof({ weight: 3, arbitrary: election }, { weight: 1, arbitrary: junk });
}
