import type { Room } from '@conclave/mesh';

type Leadership = ReturnType<Room['leadership']>;

/**
 * Who led each term, as this tab saw it: a shared value carries the term it was published in, and the
 * leader of that term is who published it. Keeps the most recent `maxTerms` terms.
 */
export class TermLeaders {
  readonly #byTerm = new Map<number, string>();

  constructor(private readonly maxTerms = 64) {}

  /** Notes the leader of `leadership.term` (nothing while the leader is unknown). */
  record(leadership: Leadership): void {
    if (leadership.leaderId === undefined) return;
    this.#byTerm.delete(leadership.term);
    this.#byTerm.set(leadership.term, leadership.leaderId);
    for (const term of this.#byTerm.keys()) {
      if (this.#byTerm.size <= this.maxTerms) break;
      this.#byTerm.delete(term);
    }
  }

  /** The leader of `term`, when this tab saw it lead. */
  leaderOf(term: number): string | undefined {
    return this.#byTerm.get(term);
  }

  /** Records the room's leadership now and after every change; returns the unsubscribe function. */
  follow(room: Pick<Room, 'leadership' | 'onLeadershipChange'>): () => void {
    this.record(room.leadership());
    return room.onLeadershipChange((leadership) => this.record(leadership));
  }
}
