import type { PeerId } from './types';

/**
 * The highest leadership a peer has heard of: its term and who held it (undefined only before any leader).
 * It decides which leaderships the peer may follow, and is what its proposals carry, so that a term is not
 * reused by a second leader among peers that heard of the first.
 */
export class KnownLeadership {
  private highest = 0;
  private highestHolder: PeerId | undefined;

  get term(): number {
    return this.highest;
  }

  get holder(): PeerId | undefined {
    return this.highestHolder;
  }

  /** Remember a leadership heard of; at a tie, the first holder heard of stays. */
  observe(term: number, holder: PeerId | undefined): void {
    if (term > this.highest) {
      this.highest = term;
      this.highestHolder = holder;
    } else if (term === this.highest && this.highestHolder === undefined) {
      this.highestHolder = holder;
    }
  }

  /** May we follow `leader` under `term`? Only above everything known, or at that very leadership. */
  allows(leader: PeerId, term: number): boolean {
    if (term > this.highest) return true;
    return term === this.highest && (this.highestHolder === undefined || this.highestHolder === leader);
  }

  /** Is `leader` under `term` the highest leadership we know of? */
  is(leader: PeerId, term: number): boolean {
    return term === this.highest && this.highestHolder === leader;
  }

  /**
   * The term a new leadership takes: above everything known, or `named` (the term a hand-over named, which
   * the caller has checked {@link allows} it). It is then known too.
   */
  next(self: PeerId, named?: number): number {
    const term = named ?? this.highest + 1;
    this.observe(term, self);
    return term;
  }
}
