import type { ElectionState, PeerId } from '../types';

/**
 * Who leads and who agrees, updated from election events, so that "one leader, and everyone agrees on its id
 * and term" is an O(1) question for an unpartitioned cluster of any size (the benchmark asks it after every
 * simulated task).
 */
export class AgreementTracker {
  private readonly leaders = new Set<PeerId>();
  /** "leader term" → how many running peers follow (or are) that leadership. */
  private readonly holders = new Map<string, number>();
  private readonly keys = new Map<PeerId, string>();
  private running = 0;

  add(): void {
    this.running++;
  }

  update(id: PeerId, state: ElectionState): void {
    this.forget(id);
    if (state.role === 'leader') this.leaders.add(id);
    if (state.leaderId !== undefined) {
      const key = `${state.leaderId} ${state.term}`;
      this.keys.set(id, key);
      this.holders.set(key, (this.holders.get(key) ?? 0) + 1);
    }
  }

  remove(id: PeerId): void {
    this.forget(id);
    this.running--;
  }

  /** Exactly one leader, and every running peer follows it under its term. */
  converged(): boolean {
    if (this.leaders.size !== 1) return false;
    const [leader] = this.leaders;
    const key = this.keys.get(leader as PeerId);
    return key !== undefined && this.holders.get(key) === this.running;
  }

  private forget(id: PeerId): void {
    this.leaders.delete(id);
    const key = this.keys.get(id);
    if (key === undefined) return;
    this.keys.delete(id);
    const count = (this.holders.get(key) ?? 1) - 1;
    if (count === 0) this.holders.delete(key);
    else this.holders.set(key, count);
  }
}
