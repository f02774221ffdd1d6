/** The two subscription calls the sharded Socket.IO adapter makes on its subscriber client. */
export interface ShardedSubscriber {
  sSubscribe(...args: never[]): Promise<unknown>;
  sUnsubscribe(...args: never[]): Promise<unknown>;
}

/**
 * Makes the subscriber's failed (un)subscriptions reported instead of unhandled. The sharded adapter
 * (`@socket.io/redis-adapter`, subscription mode 'dynamic') calls sSubscribe and sUnsubscribe as rooms
 * come and go and drops the promises; when Redis dies with one in flight, node-redis rejects it
 * ("Socket closed unexpectedly"), and on Node's default policy an unhandled rejection ends the process:
 * a Redis restart would take every signaling server down with it. Catching loses nothing the server
 * relies on: node-redis resubscribes when it reconnects (test/redis-recovery.test.ts relays after a restart).
 */
export function reportSubscriptionFailures(
  subscriber: ShardedSubscriber,
  report: (error: unknown, command: 'sSubscribe' | 'sUnsubscribe') => void,
): void {
  for (const command of ['sSubscribe', 'sUnsubscribe'] as const) {
    const original = subscriber[command].bind(subscriber) as (...args: unknown[]) => Promise<unknown>;
    subscriber[command] = ((...args: unknown[]) => {
      const pending = original(...args);
      pending.catch((error: unknown) => report(error, command));
      return pending;
    }) as ShardedSubscriber[typeof command];
  }
}
