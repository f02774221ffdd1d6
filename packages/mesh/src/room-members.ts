import type { PeerId } from '@conclave/election';
import { meshLimits } from './limits';

/** A member joined or left, as signaling reported it. */
export interface MemberEvent {
  readonly kind: 'joined' | 'left';
  readonly id: PeerId;
}

/** Events held while a join is pending: a join's worth of churn in the largest room. */
const maxHeld = 4 * meshLimits.maxPeers;

/**
 * The room's other members as signaling reported them: the last join's answer, then each `peer-joined` and
 * `peer-left` in order (bounded by the largest room). Whoever builds the room from a join reads it then, so a
 * peer that joined or left while the caller was still setting up (after the answer, before it listened) is
 * not missed.
 *
 * Events that arrive while a join is pending are held and applied on top of its answer. They do arrive: the
 * server answers a join after it released the room's lock, so the next joiner's `peer-joined` can overtake
 * the answer (seen with 8 tabs navigating at once: a tab never learned one member, and that pair never
 * linked); across servers nothing orders them at all. An event the answer already reflects changes nothing
 * when applied again, so holding is always safe.
 */
export class RoomMembers {
  readonly #members = new Set<PeerId>();
  /** Defined while a join is pending. */
  #held: MemberEvent[] | undefined;

  /**
   * A join request is on its way: hold the events that arrive before its answer. Each join starts afresh: a
   * failed one left nothing that could apply (a peer out of the room is told of nobody).
   */
  joining(): void {
    this.#held = [];
  }

  /**
   * A join answered with `peers`: they are the members, then every event held meanwhile is applied in order.
   * Returns those events, for the caller to report as if they had come now.
   */
  answered(self: PeerId, peers: readonly PeerId[]): MemberEvent[] {
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#members.clear();
    for (const peer of peers) this.#add(self, peer);
    for (const event of held) this.#apply(self, event);
    return held;
  }

  /**
   * A member event arrived. Returns false while a join is pending (the event is held for its answer) and
   * when no join ever answered; true when it was applied and should be reported.
   */
  event(self: PeerId | undefined, event: MemberEvent, joined: boolean): boolean {
    if (joined && self !== undefined) {
      this.#apply(self, event);
      return true;
    }
    if (this.#held !== undefined && this.#held.length < maxHeld) this.#held.push(event);
    return false;
  }

  list(): PeerId[] {
    return [...this.#members];
  }

  #apply(self: PeerId, event: MemberEvent): void {
    if (event.kind === 'left') this.#members.delete(event.id);
    else this.#add(self, event.id);
  }

  #add(self: PeerId, peer: PeerId): void {
    if (peer !== self && this.#members.size < meshLimits.maxPeers) this.#members.add(peer);
  }
}
