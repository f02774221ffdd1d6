import { afterEach, describe, expect, it } from 'vitest';
import { reportSubscriptionFailures } from '../src/subscription-guard';

/** A subscriber whose commands fail the way node-redis fails them when the socket closes mid-command. */
function dyingSubscriber() {
  const closed = () => Promise.reject(new Error('Socket closed unexpectedly'));
  return { sSubscribe: closed, sUnsubscribe: closed };
}

describe('reportSubscriptionFailures', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
  });

  it('reports a failed subscription the adapter dropped, and none is left unhandled', async () => {
    process.on('unhandledRejection', onUnhandled);
    const subscriber = dyingSubscriber();
    const reported: string[] = [];
    reportSubscriptionFailures(subscriber, (error, command) =>
      reported.push(`${command}: ${(error as Error).message}`),
    );
    // What the sharded adapter does when a room is created and deleted: call and drop the promise.
    void subscriber.sSubscribe();
    void subscriber.sUnsubscribe();
    // Node decides a rejection is unhandled after the microtask queue drains; a macrotask is past that.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([
      'sSubscribe: Socket closed unexpectedly',
      'sUnsubscribe: Socket closed unexpectedly',
    ]);
    expect(unhandled).toEqual([]);
  });

  it('hands back the command’s own result when it succeeds', async () => {
    const subscriber = { sSubscribe: async () => 'OK', sUnsubscribe: async () => 'OK' };
    reportSubscriptionFailures(subscriber, () => {
      throw new Error('nothing failed');
    });
    await expect(subscriber.sSubscribe()).resolves.toBe('OK');
  });
});
