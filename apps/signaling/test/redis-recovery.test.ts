import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { SignalingServer } from '../src';
import { type RedisProcess, startRedis } from './support/redis';
import { connectClient, nextEvent, peerIn, startServer } from './support/server';

const key = 'recovery-key-0123456789abcdef';

/** Skips the file (loudly, in the helper) only when redis-server cannot run at all. */
const probe = await startRedis();
afterAll(() => probe?.stop());

/** A Redis of the test's own (this file kills them), stopped when the test ends. */
async function ownRedis(port?: number): Promise<RedisProcess> {
  const redis = await startRedis(port === undefined ? {} : { port });
  if (!redis) throw new Error('redis-server ran for the probe, so it starts again');
  onTestFinished(() => redis.stop());
  return redis;
}

/** Polls `/healthz` (every 25 ms, up to 15 s) until its status code is `status`. */
async function healthBecomes(server: SignalingServer, status: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${server.url}/healthz`);
    await response.body?.cancel();
    if (response.status === status) return;
    if (Date.now() > deadline) expect.fail(`/healthz stayed ${response.status}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(!probe)('Redis failure and recovery with two servers', () => {
  it('after kill -9 and a restart of Redis, rooms span both servers again: membership, relay and capacity', async () => {
    const redis = await ownRedis();
    const options = { redisUrl: redis.url, key, roomCapacity: 3, clusterRequestTimeoutMs: 500 };
    const one = await startServer(options);
    const two = await startServer(options);
    const a = await peerIn(one.url, 'kept');
    const b = await peerIn(two.url, 'kept');
    expect(b.joined.peers).toEqual([a.id]);

    await redis.kill();
    await Promise.all([healthBecomes(one, 503), healthBecomes(two, 503)]);
    // While Redis is gone a join is answered, with an error, and admits nobody; it does not hang.
    const during = await connectClient(two.url);
    expect(await during.timeout(5_000).emitWithAck('join', { room: 'kept' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });

    await ownRedis(redis.port);
    await Promise.all([healthBecomes(one, 200), healthBecomes(two, 200)]);

    // The peers that stayed connected are still members, seen from the other server.
    const announcedToA = nextEvent(a.client, 'peer-joined');
    const c = await peerIn(two.url, 'kept');
    expect(new Set(c.joined.peers)).toEqual(new Set([a.id, b.id]));
    expect(await announcedToA).toEqual({ id: c.id });
    // Relay crosses servers both ways.
    const atA = nextEvent(a.client, 'signal');
    expect(await c.client.emitWithAck('signal', { to: a.id, data: { after: 'restart' } })).toEqual({
      ok: true,
    });
    expect(await atA).toEqual({ from: c.id, data: { after: 'restart' } });
    const atC = nextEvent(c.client, 'signal');
    expect(await a.client.emitWithAck('signal', { to: c.id, data: { back: true } })).toEqual({ ok: true });
    expect(await atC).toEqual({ from: a.id, data: { back: true } });
    // Capacity still counts the members of both servers.
    const fourth = await connectClient(one.url);
    expect(await fourth.emitWithAck('join', { room: 'kept' })).toMatchObject({
      ok: false,
      error: { code: 'room-full' },
    });
    // Leaving is seen across servers, and frees the place.
    const leftAtC = nextEvent(c.client, 'peer-left');
    a.client.disconnect();
    expect(await leftAtC).toEqual({ id: a.id });
    expect((await fourth.emitWithAck('join', { room: 'kept' })).ok).toBe(true);
  }, 60_000);

  it('simultaneous first joins on two servers with different secrets: one secret wins, the others are refused', async () => {
    const redis = await ownRedis();
    const one = await startServer({ redisUrl: redis.url, key });
    const two = await startServer({ redisUrl: redis.url, key });
    for (let round = 0; round < 5; round++) {
      const room = `contested-${round}`;
      // Eight joiners, alternating servers; each secret is held by two of them, on the same server, so the
      // first join each server handles carries a different secret.
      const clients = await Promise.all(
        Array.from({ length: 8 }, (_, n) => connectClient((n % 2 === 0 ? one : two).url)),
      );
      const secrets = clients.map((_, n) => `secret-${n % 4}`);
      const results = await Promise.all(
        clients.map((client, n) => client.emitWithAck('join', { room, secret: secrets[n] })),
      );
      const winners = new Set(secrets.filter((_, n) => results[n]?.ok));
      expect(winners.size, `round ${round}: admitted secrets ${[...winners]}`).toBe(1);
      for (const [n, result] of results.entries()) {
        if (winners.has(secrets[n] as string)) expect(result.ok).toBe(true);
        else expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    }
  }, 30_000);
});
