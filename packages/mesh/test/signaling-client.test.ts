import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SignalingServer, startSignalingServer } from '@conclave/signaling';
import { Server as SocketIoServer } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JoinRoomError } from '../src/errors';
import { SignalingClient } from '../src/signaling-client';
import { createTimerClock } from '../src/worker-clock';

const key = 'mesh-test-key-0123456789abcdef';
const servers: SignalingServer[] = [];
const clients: SignalingClient[] = [];

async function server(options: { port?: number; key?: string } = {}): Promise<SignalingServer> {
  const started = await startSignalingServer({
    port: options.port ?? 0,
    key: options.key ?? key,
    logLevel: 'silent',
    reconnectAfterMs: 50,
    shutdownTimeoutMs: 500,
  });
  servers.push(started);
  return started;
}

function client(url: string, room = 'signaling-test', secret?: string): SignalingClient {
  const created = new SignalingClient({
    url,
    room,
    secret,
    clock: createTimerClock({ timers: 'page' }),
    reconnectDelayMs: 50,
    reconnectDelayMaxMs: 200,
  });
  clients.push(created);
  return created;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('signaling client against a real server', () => {
  it('joins, learns of later peers and relays link signals both ways', async () => {
    const srv = await server();
    const a = client(srv.url);
    const first = await a.join(5_000);
    expect(first.peers).toEqual([]);
    expect(a.status).toBe('connected');
    const joinedA: string[] = [];
    a.onPeerJoined.add((peer) => joinedA.push(peer));
    const received: Array<[string, unknown]> = [];
    a.onSignal.add((from, data) => received.push([from, data]));

    const b = client(srv.url);
    const second = await b.join(5_000);
    expect(second.peers).toEqual([first.id]);
    await vi.waitFor(() => expect(joinedA).toEqual([second.id]));

    b.signal(first.id, { v: 1, kind: 'link-request' });
    await vi.waitFor(() => expect(received).toEqual([[second.id, { v: 1, kind: 'link-request' }]]));
    expect(b.stats()).toMatchObject({ signalsSent: 1, signalsFailed: 0 });
  });

  it("keeps the room's members, including peers that joined or left before anyone listened", async () => {
    const srv = await server();
    const a = client(srv.url);
    await a.join(5_000);
    // Nobody listens on a: as when joinRoom is still setting up its transports after the join answered.
    const b = client(srv.url);
    const { id: bId } = await b.join(5_000);
    const c = client(srv.url);
    const { id: cId } = await c.join(5_000);
    await vi.waitFor(() => expect(a.members().sort()).toEqual([bId, cId].sort()));
    c.close();
    await vi.waitFor(() => expect(a.members()).toEqual([bId]));
  });

  it('keeps the members announced while its join was pending (a server may answer after the next joiner)', async () => {
    // A bare Socket.IO server that does what the real one can do under load: the room's lock is released
    // before the answer goes out, so the next joiner's `peer-joined` (and a `peer-left`) overtake it.
    const [self, stayed, leftMeanwhile, joinedMeanwhile] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(32));
    const http = createServer();
    const io = new SocketIoServer(http);
    io.on('connection', (socket) => {
      socket.on('join', (_request: unknown, answer: (result: unknown) => void) => {
        socket.emit('peer-joined', { id: joinedMeanwhile });
        socket.emit('peer-left', { id: leftMeanwhile });
        setTimeout(() => answer({ ok: true, id: self, peers: [stayed, leftMeanwhile], resume: 'token' }), 20);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const a = client(`http://127.0.0.1:${port}`);
      const joined = await a.join(5_000);
      expect([...joined.peers].sort()).toEqual([stayed, joinedMeanwhile].sort());
      expect(a.members().sort()).toEqual([stayed, joinedMeanwhile].sort());
    } finally {
      await io.close();
    }
  });

  it('reports peers that leave', async () => {
    const srv = await server();
    const a = client(srv.url);
    await a.join(5_000);
    const left: string[] = [];
    a.onPeerLeft.add((peer) => left.push(peer));
    const b = client(srv.url);
    const { id } = await b.join(5_000);
    await b.leave();
    await vi.waitFor(() => expect(left).toEqual([id]));
    expect(b.status).toBe('closed');
  });

  it('suspended, leaves the room; resumed, rejoins under the same id', async () => {
    const srv = await server();
    const a = client(srv.url);
    await a.join(5_000);
    const b = client(srv.url);
    const { id } = await b.join(5_000);
    await vi.waitFor(() => expect(a.members()).toEqual([id]));
    const seenByA: string[] = [];
    a.onPeerLeft.add((peer) => seenByA.push(`left ${peer}`));
    a.onPeerJoined.add((peer) => seenByA.push(`joined ${peer}`));
    const rejoined: (readonly string[])[] = [];
    b.onRejoined.add((peers) => rejoined.push(peers));

    b.suspend();
    await vi.waitFor(() => expect(seenByA).toEqual([`left ${id}`]));
    expect(b.status).toBe('reconnecting');
    expect(rejoined).toEqual([]);

    b.resume();
    await vi.waitFor(() => expect(rejoined).toEqual([[a.id]]));
    expect(b.id).toBe(id);
    expect(b.status).toBe('connected');
    await vi.waitFor(() => expect(seenByA).toEqual([`left ${id}`, `joined ${id}`]));
  });

  it('rejects a wrong room secret with a typed error', async () => {
    const srv = await server();
    await client(srv.url, 'secret-room', 'right secret').join(5_000);
    const refused = client(srv.url, 'secret-room', 'wrong secret').join(5_000);
    await expect(refused).rejects.toBeInstanceOf(JoinRoomError);
    await expect(refused).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('gives up with a timeout error when no server answers', async () => {
    const srv = await server();
    const url = srv.url;
    await srv.close();
    const started = Date.now();
    await expect(client(url).join(300)).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps its id across a server restart (same key): reconnects, rejoins, reports the room', async () => {
    const srv = await server();
    const port = srv.port;
    const a = client(srv.url);
    const b = client(srv.url);
    const { id: idA } = await a.join(5_000);
    const { id: idB } = await b.join(5_000);
    const statuses: string[] = [];
    a.onStatus.add((status) => statuses.push(status));
    const rejoined: Array<readonly string[]> = [];
    a.onRejoined.add((peers) => rejoined.push(peers));

    await srv.close(); // graceful: `shutdown`, then the server disconnects every socket
    servers.splice(servers.indexOf(srv), 1);
    await vi.waitFor(() => expect(a.status).toBe('reconnecting'));
    await server({ port });
    await vi.waitFor(() => expect(a.status).toBe('connected'), { timeout: 5_000 });
    await vi.waitFor(() => expect(b.status).toBe('connected'), { timeout: 5_000 });
    expect(a.id).toBe(idA);
    expect(b.id).toBe(idB);
    expect(statuses).toEqual(['reconnecting', 'connected']);
    expect(rejoined.length).toBe(1);
    expect(a.stats().rejoins).toBe(1);
  });

  it('closes for good when the restarted server no longer knows its resume token (new key)', async () => {
    const srv = await server();
    const port = srv.port;
    const a = client(srv.url);
    await a.join(5_000);
    const fatal: JoinRoomError[] = [];
    a.onFatal.add((error) => fatal.push(error));
    await srv.close();
    servers.splice(servers.indexOf(srv), 1);
    await server({ port, key: 'another-key-0123456789abcdef' });
    await vi.waitFor(() => expect(fatal).toHaveLength(1), { timeout: 5_000 });
    expect(fatal[0]!.code).toBe('invalid-resume');
    expect(a.status).toBe('closed');
  });

  it('counts signals it cannot send while signaling is down', async () => {
    const srv = await server();
    const a = client(srv.url);
    await a.join(5_000);
    await srv.close();
    servers.splice(servers.indexOf(srv), 1);
    await vi.waitFor(() => expect(a.status).toBe('reconnecting'));
    a.signal('0'.repeat(32), { v: 1, kind: 'link-request' });
    expect(a.stats().signalsFailed).toBe(1);
  });
});
