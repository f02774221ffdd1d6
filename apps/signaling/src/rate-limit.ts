import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { SignalingServerOptions } from './options';

/**
 * Per-socket event budget: `eventsPerSecond` sustained plus a `burst` allowance that refills over
 * `burstWindowSeconds` (rate-limiter-flexible's BurstyRateLimiter over two in-memory limiters).
 */
export class EventRateLimiter {
  readonly #sustained: RateLimiterMemory;
  readonly #burst: RateLimiterMemory;
  readonly #limiter: BurstyRateLimiter;

  constructor({ eventsPerSecond, burst, burstWindowSeconds }: SignalingServerOptions['rateLimit']) {
    this.#sustained = new RateLimiterMemory({ points: eventsPerSecond, duration: 1 });
    this.#burst = new RateLimiterMemory({ points: burst, duration: burstWindowSeconds });
    this.#limiter = new BurstyRateLimiter(this.#sustained, this.#burst);
  }

  /** Spends one event of `key`'s budget; false when the budget is exhausted. */
  async take(key: string): Promise<boolean> {
    try {
      await this.#limiter.consume(key);
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
  }

  /** Drops `key`'s counters (its socket is gone). */
  forget(key: string): void {
    void this.#sustained.delete(key);
    void this.#burst.delete(key);
  }
}
