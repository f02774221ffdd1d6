/**
 * A set of listeners. A listener that throws does not stop the others nor the caller: its error is
 * rethrown in a microtask, where the host reports it (console in browsers, a failed test in Vitest).
 */
export class Listeners<Args extends unknown[]> {
  readonly #set = new Set<(...args: Args) => void>();

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
        queueMicrotask(() => {
          throw error;
        });
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
