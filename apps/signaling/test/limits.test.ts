import { describe, expect, it } from 'vitest';
import { barrier, type Client, connectClient, peerIn, raw, record, startServer } from './support/server';

describe('room capacity', () => {
  it('refuses a join beyond capacity with room-full, and admits again after someone leaves', async () => {
    const server = await startServer({ roomCapacity: 2 });
    const a = await peerIn(server.url, 'small');
    const b = await peerIn(server.url, 'small');
    const client = await connectClient(server.url);
    const seenByA = record(a.client, 'peer-joined');
    expect(await client.emitWithAck('join', { room: 'small' })).toMatchObject({
      ok: false,
      error: { code: 'room-full' },
    });
    await barrier(a.client);
    expect(seenByA).toEqual([]);
    await b.client.emitWithAck('leave');
    expect(await client.emitWithAck('join', { room: 'small' })).toMatchObject({ ok: true, peers: [a.id] });
  });

  it('holds under concurrent joins: exactly `capacity` of many simultaneous joiners get in', async () => {
    const capacity = 3;
    const server = await startServer({ roomCapacity: capacity });
    const clients = await Promise.all(Array.from({ length: 12 }, () => connectClient(server.url)));
    // With a secret, admission awaits the (thread-pool) hash: the window in which joins could race.
    const results = await Promise.all(
      clients.map((client) => client.emitWithAck('join', { room: 'rush', secret: 'shared' })),
    );
    const admitted = results.filter((result) => result.ok);
    expect(admitted).toHaveLength(capacity);
    expect(results.filter((result) => !result.ok && result.error.code === 'room-full')).toHaveLength(
      12 - capacity,
    );
  });
});

describe('peers per server', () => {
  it('refuses joins beyond maxPeers with server-full, across rooms', async () => {
    const server = await startServer({ maxPeers: 2 });
    await peerIn(server.url, 'one');
    await peerIn(server.url, 'two');
    const client = await connectClient(server.url);
    expect(await client.emitWithAck('join', { room: 'three' })).toMatchObject({
      ok: false,
      error: { code: 'server-full' },
    });
  });

  it('refuses connections beyond maxConnections at the handshake', async () => {
    const server = await startServer({ maxConnections: 2 });
    await connectClient(server.url);
    await connectClient(server.url);
    await expect(connectClient(server.url)).rejects.toThrow();
  });
});

describe('rate limit', () => {
  it('rejects a flood from one socket with rate-limited without slowing another socket down', async () => {
    const server = await startServer({ rateLimit: { eventsPerSecond: 20, burst: 10 } });
    const flooder = await peerIn(server.url, 'lobby');
    const victim = await peerIn(server.url, 'lobby');
    const bystander = await peerIn(server.url, 'lobby');

    const started = Date.now();
    const flood = Array.from({ length: 300 }, (_, n) =>
      flooder.client.emitWithAck('signal', { to: victim.id, data: { n } }),
    );
    const results = await Promise.all(flood);
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    const relayed = results.filter((result) => result.ok).length;
    const limited = results.filter((result) => !result.ok && result.error.code === 'rate-limited').length;
    expect(relayed + limited).toBe(300);
    // The budget is 20 per one-second window plus a burst of 10 (per 10 s), less the join: at least 29
    // get through, and at most 20 more for every further window the flood spanned.
    expect(relayed).toBeGreaterThanOrEqual(29);
    expect(relayed).toBeLessThanOrEqual(29 + 20 * (windows - 1));
    expect(limited).toBeGreaterThan(0);

    // The bystander's own budget is untouched: all of its signals go through.
    const received = record(victim.client, 'signal');
    const mine = await Promise.all(
      Array.from({ length: 15 }, (_, n) =>
        bystander.client.emitWithAck('signal', { to: victim.id, data: { mine: n } }),
      ),
    );
    expect(mine.every((result) => result.ok)).toBe(true);
    await barrier(victim.client);
    expect(received.filter((relay) => relay.from === bystander.id)).toHaveLength(15);
  });

  it('without acks, a flood gets at most one rate-limited error event per second', async () => {
    const server = await startServer({ rateLimit: { eventsPerSecond: 5, burst: 0 } });
    const client = await connectClient(server.url);
    const errors = record(client, 'error');
    const started = Date.now();
    for (let n = 0; n < 100; n++) raw(client).emit('leave');
    await afterEarlierEvents(client);
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const limitedEvents = errors.filter((error) => error.code === 'rate-limited');
    expect(limitedEvents.length).toBeGreaterThanOrEqual(1);
    expect(limitedEvents.length).toBeLessThanOrEqual(seconds + 1);
    // Only 5 of the 100 got through to validation (missing-ack); the rest were cut off before it.
    expect(errors.filter((error) => error.code === 'missing-ack').length).toBeLessThanOrEqual(
      5 * (seconds + 1),
    );
  });
});

/** An acknowledged request: its answer comes after everything the server sent for earlier events. */
async function afterEarlierEvents(client: Client): Promise<void> {
  const reply = await raw(client).emitWithAck('leave');
  expect(reply).toMatchObject({
    ok: false,
    error: { code: expect.stringMatching(/^(rate-limited|not-joined)$/) },
  });
}
