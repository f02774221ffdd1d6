import type { SignalingErrorCode } from '@conclave/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignalingServerInput } from '../src';
import { startRedis } from './support/redis';
import { type Client, connectClient, join, nextEvent, peerIn, record, startServer } from './support/server';

const redis = await startRedis();
afterAll(() => redis?.stop());

const key = 'shared-key-0123456789abcdef';

/** Two signaling servers on different ports sharing one Redis. */
async function twoServers(options: Pick<SignalingServerInput, 'roomCapacity' | 'roomJoinLimit'> = {}) {
  if (!redis) throw new Error('unreachable: the suite is skipped without Redis');
  const one = await startServer({ redisUrl: redis.url, key, ...options });
  const two = await startServer({ redisUrl: redis.url, key, ...options });
  expect(one.port).not.toBe(two.port);
  return [one, two] as const;
}

/** Room names unique per test: the Redis instance is shared by the whole file. */
let rooms = 0;
const freshRoom = () => `room-${++rooms}`;

/** Polls `probe` (every 20 ms, up to 5 s) until `done` holds for its result. */
async function pollUntil<T>(probe: () => Promise<T>, done: (result: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const result = await probe();
    if (done(result) || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function disconnected(client: Client): Promise<string> {
  return new Promise((resolve) => client.once('disconnect', resolve));
}

describe.skipIf(!redis)('scale-out on Redis', () => {
  it('peers on different servers join one room, relay signals both ways, and see peer-left', async () => {
    const [one, two] = await twoServers();
    const room = freshRoom();
    const a = await peerIn(one.url, room);
    const announced = nextEvent(a.client, 'peer-joined');
    const b = await peerIn(two.url, room);
    expect(b.joined.peers).toEqual([a.id]);
    expect(await announced).toEqual({ id: b.id });

    const atB = nextEvent(b.client, 'signal');
    expect(await a.client.emitWithAck('signal', { to: b.id, data: { type: 'offer' } })).toEqual({ ok: true });
    expect(await atB).toEqual({ from: a.id, data: { type: 'offer' } });
    const atA = nextEvent(a.client, 'signal');
    expect(await b.client.emitWithAck('signal', { to: a.id, data: { type: 'answer' } })).toEqual({
      ok: true,
    });
    expect(await atA).toEqual({ from: b.id, data: { type: 'answer' } });

    const c = await peerIn(two.url, room);
    const leftAtA = nextEvent(a.client, 'peer-left');
    const leftAtC = nextEvent(c.client, 'peer-left');
    b.client.disconnect();
    expect(await leftAtA).toEqual({ id: b.id });
    expect(await leftAtC).toEqual({ id: b.id });
    const leftAtB = nextEvent(c.client, 'peer-left');
    expect(await a.client.emitWithAck('leave')).toEqual({ ok: true });
    expect(await leftAtB).toEqual({ id: a.id });
  });

  it('cannot signal a peer of another room on another server', async () => {
    const [one, two] = await twoServers();
    const [red, blue] = [freshRoom(), freshRoom()];
    const a = await peerIn(one.url, red);
    const c = await peerIn(two.url, blue);
    const d = await peerIn(one.url, blue);
    const atC = record(c.client, 'signal');
    expect(await a.client.emitWithAck('signal', { to: c.id, data: { x: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'unknown-peer' },
    });
    const fromD = nextEvent(c.client, 'signal');
    await d.client.emitWithAck('signal', { to: c.id, data: { y: 2 } });
    await fromD;
    expect(atC).toEqual([{ from: d.id, data: { y: 2 } }]);
  });

  it('enforces room capacity across servers, also under simultaneous joins on both', async () => {
    const [one, two] = await twoServers({ roomCapacity: 3 });
    const room = freshRoom();
    const clients = await Promise.all(
      Array.from({ length: 10 }, (_, n) => connectClient((n % 2 === 0 ? one : two).url)),
    );
    const results = await Promise.all(
      clients.map((client) => client.emitWithAck('join', { room, secret: 'shared' })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(3);
    const codes = results.flatMap((result) => (result.ok ? [] : [result.error.code]));
    expect(codes).toEqual(Array<SignalingErrorCode>(7).fill('room-full'));
    const late = await connectClient(two.url);
    expect(await late.emitWithAck('join', { room, secret: 'shared' })).toMatchObject({
      ok: false,
      error: { code: 'room-full' },
    });
  });

  it("shares a room's join budget between the servers", async () => {
    const [one, two] = await twoServers({ roomJoinLimit: { joinsPerSecond: 1, burst: 3 } });
    const room = freshRoom();
    const started = Date.now();
    const stormers = [await connectClient(one.url), await connectClient(two.url)];
    let admitted = 0;
    for (let n = 0; n < 20; n++) {
      const stormer = stormers[n % 2] as Client;
      const result = await stormer.emitWithAck('join', { room });
      if (result.ok) {
        admitted++;
        await stormer.emitWithAck('leave');
      } else {
        expect(result.error.code).toBe('rate-limited');
      }
    }
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    // One budget of 1 + 3 in the first window and 1 per further window, not one per server.
    expect(windows, 'the test ran too slowly to tell one budget from two').toBeLessThan(5);
    expect(admitted).toBeGreaterThanOrEqual(4);
    expect(admitted).toBeLessThanOrEqual(4 + (windows - 1));
  });

  it('checks the room secret set on another server', async () => {
    const [one, two] = await twoServers();
    const room = freshRoom();
    const owner = await peerIn(one.url, room, { secret: 'across' });
    const client = await connectClient(two.url);
    expect(await client.emitWithAck('join', { room })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await client.emitWithAck('join', { room, secret: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await join(client, room, { secret: 'across' })).peers).toEqual([owner.id]);
  });

  it('a resume on another server disconnects the old connection there; the room sees left, then joined', async () => {
    const [one, two] = await twoServers();
    const room = freshRoom();
    const a = await peerIn(one.url, room);
    // Across servers the newcomer's ack can overtake the announcement to the others: wait for it.
    const announced = nextEvent(a.client, 'peer-joined');
    const b = await peerIn(two.url, room);
    await announced;
    const seen: string[] = [];
    a.client.on('peer-left', ({ id }) => seen.push(`left ${id}`));
    a.client.on('peer-joined', ({ id }) => seen.push(`joined ${id}`));
    const oldGone = disconnected(b.client);
    const rejoinSeen = nextEvent(a.client, 'peer-joined');

    const moved = await peerIn(one.url, room, { resume: b.joined.resume });
    expect(moved.id).toBe(b.id);
    expect(moved.joined.peers).toEqual([a.id]);
    expect(await oldGone).toBe('io server disconnect');
    await rejoinSeen;
    expect(seen).toEqual([`left ${b.id}`, `joined ${b.id}`]);
    const atMoved = nextEvent(moved.client, 'signal');
    await a.client.emitWithAck('signal', { to: b.id, data: { hello: 'again' } });
    expect(await atMoved).toEqual({ from: a.id, data: { hello: 'again' } });
  });

  it('keeps a peer id when its server shuts down and it resumes on another (shared key)', async () => {
    const [one, two] = await twoServers();
    const room = freshRoom();
    const a = await peerIn(one.url, room);
    const b = await peerIn(two.url, room);
    const shutdown = nextEvent(a.client, 'shutdown');
    const left = nextEvent(b.client, 'peer-left');
    await one.close();
    await shutdown;
    expect(await left).toEqual({ id: a.id });
    const back = nextEvent(b.client, 'peer-joined');
    const resumed = await peerIn(two.url, room, { resume: a.joined.resume });
    expect(resumed.id).toBe(a.id);
    expect(await back).toEqual({ id: a.id });
  });

  it('reports redis in /healthz, and answers 503 (degraded) while Redis is unreachable', async () => {
    const [one] = await twoServers();
    expect(await (await fetch(`${one.url}/healthz`)).json()).toMatchObject({ status: 'ok', redis: 'ready' });

    const own = await startRedis();
    if (!own) throw new Error('redis-server started once, so it starts again');
    const server = await startServer({
      redisUrl: own.url,
      shutdownTimeoutMs: 300,
      clusterRequestTimeoutMs: 300,
    });
    await own.stop();
    const health = await pollUntil(
      async () => {
        const response = await fetch(`${server.url}/healthz`);
        return {
          status: response.status,
          body: (await response.json()) as { status: string; redis: string },
        };
      },
      (result) => result.status === 503,
    );
    expect(health.body).toMatchObject({ status: 'degraded', redis: 'down' });
  });
});
