/**
 * A typed set of listeners for one event, the one listener mechanism outside the election. A listener that
 * throws does not stop the others nor the emitter: its error goes to `report`, which by default rethrows
 * it in a microtask, where the host reports it (console in browsers, a failed test in Vitest).
 */
export class Listeners<Args extends unknown[]> {
  readonly #set = new Set<(...args: Args) => void>();

  /** @param report receives what a listener throws; default: rethrown in a microtask. */
  constructor(private readonly report: (error: unknown) => void = rethrowLater) {}

  /** Adds a listener; returns the function that removes it. */
  add(listener: (...args: Args) => void): () => void {
    const own = (...args: Args) => listener(...args); // the same function may subscribe twice
    this.#set.add(own);
    return () => {
      this.#set.delete(own);
    };
  }

  emit(...args: Args): void {
    for (const listener of [...this.#set]) {
      try {
        listener(...args);
      } catch (error) {
        this.report(error);
      }
    }
  }

  clear(): void {
    this.#set.clear();
  }

  get size(): number {
    return this.#set.size;
  }
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
