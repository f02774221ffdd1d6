import type { Clock } from './types';

interface Slot {
  readonly handle: unknown;
}

/**
 * Named one-shot timers over an injected {@link Clock}: setting a name replaces its previous timer, and a
 * callback that fires after its slot was cleared or replaced does nothing (clocks may not cancel reliably).
 */
export class Timers<Name extends string> {
  private readonly slots = new Map<Name, Slot>();

  constructor(private readonly clock: Clock) {}

  set(name: Name, delayMs: number, fn: () => void): void {
    this.clear(name);
    const delay = Math.max(0, delayMs);
    const slot: Slot = {
      handle: this.clock.setTimeout(() => {
        if (this.slots.get(name) !== slot) return;
        this.slots.delete(name);
        fn();
      }, delay),
    };
    this.slots.set(name, slot);
  }

  has(name: Name): boolean {
    return this.slots.has(name);
  }

  clear(...names: Name[]): void {
    for (const name of names) {
      const slot = this.slots.get(name);
      if (slot === undefined) continue;
      this.slots.delete(name);
      this.clock.clearTimeout(slot.handle);
    }
  }

  clearAll(): void {
    for (const slot of this.slots.values()) this.clock.clearTimeout(slot.handle);
    this.slots.clear();
  }

  /** How many timers are pending (a stopped election has none). */
  get size(): number {
    return this.slots.size;
  }
}
