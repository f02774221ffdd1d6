import { randomBytes } from 'node:crypto';
import type { createClient } from 'redis';
import { KeyedMutex } from './keyed-mutex';
import { withTimeout } from './timeout';

/** The lock could not be taken because Redis is unreachable or too slow: the join should be retried. */
export class RoomLockUnavailable extends Error {
  override readonly name = 'RoomLockUnavailable';
}

/** Serializes the read-check-write of joins to one room, so capacity and the room secret hold under races. */
export interface RoomLock {
  withLock<T>(room: string, task: () => Promise<T>): Promise<T>;
}

/** One server: a mutex per room. */
export class LocalRoomLock implements RoomLock {
  readonly #mutex = new KeyedMutex();

  withLock<T>(room: string, task: () => Promise<T>): Promise<T> {
    return this.#mutex.run(room, task);
  }
}

const releaseScript = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Several servers on one Redis: the local mutex (so one server queues its own joins) and a Redis lock
 * (`SET key token NX PX ttl`, released only by its holder) so servers take turns. The TTL bounds how long
 * a crashed holder can block a room.
 *
 * Every Redis command is bounded by the TTL: the client queues commands while it reconnects, and a join
 * waiting on a dead Redis would otherwise hold the room's local queue forever. A lock that is granted only
 * after its wait was given up is released as soon as the grant arrives.
 */
export class RedisRoomLock implements RoomLock {
  readonly #local = new KeyedMutex();

  constructor(
    private readonly redis: ReturnType<typeof createClient>,
    private readonly ttlMs: number,
    private readonly prefix = 'conclave:room-lock:',
  ) {}

  withLock<T>(room: string, task: () => Promise<T>): Promise<T> {
    return this.#local.run(room, async () => {
      const key = this.prefix + room;
      const token = randomBytes(16).toString('hex');
      await this.#acquire(key, token);
      try {
        return await task();
      } finally {
        // A failed or slow release (Redis gone) must not turn a finished join into an error or hold the
        // queue: the TTL frees the key.
        await withTimeout(this.#release(key, token), this.ttlMs, 'room lock release').catch(() => undefined);
      }
    });
  }

  #release(key: string, token: string): Promise<unknown> {
    return this.redis.eval(releaseScript, { keys: [key], arguments: [token] });
  }

  async #acquire(key: string, token: string): Promise<void> {
    const deadline = Date.now() + this.ttlMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      if (!this.redis.isReady) throw new RoomLockUnavailable('Redis is unreachable');
      const attempt = this.redis.set(key, token, {
        condition: 'NX',
        expiration: { type: 'PX', value: this.ttlMs },
      });
      const set = await withTimeout(attempt, Math.max(deadline - Date.now(), 1), 'room lock').catch(
        (error: unknown) => {
          void attempt
            .then((late) => (late === 'OK' ? this.#release(key, token) : undefined))
            .catch(() => {});
          throw new RoomLockUnavailable(`room lock ${key}: ${String(error)}`);
        },
      );
      if (set === 'OK') return;
      if (Date.now() > deadline) {
        throw new RoomLockUnavailable(`room lock ${key} not acquired within ${this.ttlMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    }
  }
}
