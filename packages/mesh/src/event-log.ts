/**
 * The room's timeline: the most recent `capacity` events, oldest first. `list()` returns one frozen array
 * per version (the same array until the next push), so snapshots can share it.
 */
export class EventLog<E> {
  readonly #events: E[] = [];
  #list: readonly E[] | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  push(event: E): void {
    this.#events.push(event);
    if (this.#events.length > this.capacity) this.#events.splice(0, this.#events.length - this.capacity);
    this.#list = undefined;
  }

  list(): readonly E[] {
    this.#list ??= Object.freeze([...this.#events]);
    return this.#list;
  }
}
