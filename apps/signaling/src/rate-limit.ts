import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { createClient } from 'redis';

/** A budget: `eventsPerSecond` sustained plus a `burst` allowance that refills over `burstWindowSeconds`. */
export interface RateBudget {
  eventsPerSecond: number;
  burst: number;
  burstWindowSeconds: number;
}

/** Where the counters live: this process (default), or a Redis shared by every server. */
export interface SharedStore {
  redis: ReturnType<typeof createClient>;
  /** Key prefix of this budget's counters in Redis. */
  prefix: string;
}

/**
 * Events per key (a socket's events, a room's joins) within a {@link RateBudget}: rate-limiter-flexible's
 * BurstyRateLimiter over two limiters, in memory or in a shared Redis. With Redis unreachable, counting
 * falls back to this process's memory rather than failing the request.
 */
export class EventRateLimiter {
  readonly #sustained: RateLimiterAbstract;
  readonly #burst: RateLimiterAbstract;
  readonly #limiter: BurstyRateLimiter;

  constructor({ eventsPerSecond, burst, burstWindowSeconds }: RateBudget, store?: SharedStore) {
    this.#sustained = limiter(eventsPerSecond, 1, store && { ...store, prefix: `${store.prefix}rate:` });
    this.#burst = limiter(burst, burstWindowSeconds, store && { ...store, prefix: `${store.prefix}burst:` });
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

  /** Drops `key`'s counters (its socket is gone). Best effort: with Redis unreachable they expire anyway. */
  forget(key: string): void {
    this.#sustained.delete(key).catch(() => undefined);
    this.#burst.delete(key).catch(() => undefined);
  }
}

function limiter(points: number, duration: number, store: SharedStore | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration });
  if (!store) return memory;
  return new RateLimiterRedis({
    storeClient: store.redis,
    useRedisPackage: true,
    keyPrefix: store.prefix,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}
