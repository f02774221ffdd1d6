import type { Clock } from '@conclave/election';
import { TokenBucket } from '@conclave/protocol';

/**
 * Sends items no faster than a token bucket allows (a burst, then `perSecond`), queueing the rest in order.
 * The queue is bounded: beyond `maxQueue` items are dropped (and reported). Used to stay under the signaling
 * server's per-socket rate limit when many links start at once, instead of having signals refused.
 */
export class Pacer<T> {
  readonly #bucket: TokenBucket;
  readonly #queue: T[] = [];
  #timer: unknown;

  constructor(
    private readonly clock: Clock,
    private readonly options: {
      readonly burst: number;
      readonly perSecond: number;
      readonly maxQueue: number;
      readonly send: (item: T) => void;
      readonly drop: (item: T) => void;
    },
  ) {
    this.#bucket = new TokenBucket(clock, options.burst, options.perSecond);
  }

  /** Items waiting for a token. */
  get queued(): number {
    return this.#queue.length;
  }

  push(item: T): void {
    if (this.#queue.length === 0 && this.#bucket.take()) {
      this.options.send(item);
      return;
    }
    if (this.#queue.length >= this.options.maxQueue) {
      this.options.drop(item);
      return;
    }
    this.#queue.push(item);
    this.#schedule();
  }

  /** Drops everything queued (reported through `drop`) and stops. */
  clear(): void {
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const item of this.#queue.splice(0)) this.options.drop(item);
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.clock.setTimeout(
      () => {
        this.#timer = undefined;
        while (this.#queue.length > 0 && this.#bucket.take()) this.options.send(this.#queue.shift() as T);
        if (this.#queue.length > 0) this.#schedule();
      },
      Math.ceil(1000 / this.options.perSecond),
    );
  }
}
