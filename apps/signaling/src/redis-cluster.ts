import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { RedisRoomLock, type RoomLock } from './room-lock';
import { reportSubscriptionFailures } from './subscription-guard';

type RedisClient = ReturnType<typeof createClient>;

/** The pieces a server needs to share its rooms with the other servers on one Redis. */
export interface RedisCluster {
  /** Socket.IO adapter factory (sharded pub/sub, Redis ≥ 7). */
  adapter: ReturnType<typeof createShardedAdapter>;
  lock: RoomLock;
  /** The command connection, for state shared between servers (e.g. rate limits). */
  redis: RedisClient;
  status(): 'ready' | 'down';
  /** Quits both clients; bounded: a client that cannot reach Redis is destroyed after the timeout. */
  close(): Promise<void>;
  /** Drops both connections at once, failing their pending commands. */
  destroy(): void;
}

/**
 * Connects the publisher and subscriber clients. The sharded adapter is a ClusterAdapter: it supports
 * fetchSockets, serverSideEmit (with acks) and disconnectSockets across servers, which is what room
 * membership, capacity, the `to`-in-room check and resume takeovers need.
 */
export async function connectRedisCluster(
  url: string,
  log: Logger,
  timeoutMs: number,
): Promise<RedisCluster> {
  const pub: RedisClient = createClient({ url });
  const sub = pub.duplicate();
  for (const [role, client] of [
    ['pub', pub],
    ['sub', sub],
  ] as const) {
    client.on('error', (error: unknown) => log.error({ err: error, role }, 'redis error'));
  }
  reportSubscriptionFailures(sub, (error, command) =>
    log.warn({ err: error, command }, 'redis subscription failed'),
  );
  const connect = Promise.all([pub.connect(), sub.connect()]);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connect,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`could not connect to Redis at ${redact(url)} within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    pub.destroy();
    sub.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const destroy = () => {
    for (const client of [pub, sub]) if (client.isOpen) client.destroy();
  };
  return {
    adapter: createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' }),
    // A join holds the lock across at most two cluster requests; the TTL outlasts both.
    lock: new RedisRoomLock(pub, 4 * timeoutMs),
    redis: pub,
    status: () => (pub.isReady && sub.isReady ? 'ready' : 'down'),
    async close() {
      let timer: NodeJS.Timeout | undefined;
      const quit = Promise.allSettled(
        [pub, sub].map((client) => (client.isOpen ? client.close() : undefined)),
      );
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([quit, timeout]);
      clearTimeout(timer);
      destroy();
    },
    destroy,
  };
}

/** The URL without its password, for logs and errors. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
