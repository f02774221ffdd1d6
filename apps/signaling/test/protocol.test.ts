import { peerIdPattern } from '@conclave/protocol';
import { describe, expect, it } from 'vitest';
import { barrier, connectClient, join, nextEvent, peerIn, record, startServer } from './support/server';

describe('join', () => {
  it('assigns a fresh 128-bit id and lists the peers already in the room', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    expect(a.id).toMatch(peerIdPattern);
    expect(b.id).toMatch(peerIdPattern);
    expect(b.id).not.toBe(a.id);
    expect(a.joined.peers).toEqual([]);
    expect(b.joined.peers).toEqual([a.id]);
    expect(b.joined.resume).toEqual(expect.any(String));
  });

  it('tells the room about a newcomer, but not the newcomer itself, nor other rooms', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const elsewhere = await peerIn(server.url, 'other');
    const seenElsewhere = record(elsewhere.client, 'peer-joined');
    const newcomer = await connectClient(server.url);
    const seenByNewcomer = record(newcomer, 'peer-joined');
    const announced = nextEvent(a.client, 'peer-joined');
    const { id } = await join(newcomer, 'lobby');
    expect(await announced).toEqual({ id });
    await barrier(newcomer);
    await barrier(elsewhere.client);
    expect(seenByNewcomer).toEqual([]);
    expect(seenElsewhere).toEqual([]);
  });

  it('refuses a second join on the same connection with already-joined, even while the first is in flight', async () => {
    const server = await startServer();
    const client = await connectClient(server.url);
    const [first, second] = await Promise.all([
      client.emitWithAck('join', { room: 'one' }),
      client.emitWithAck('join', { room: 'two' }),
    ]);
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, error: { code: 'already-joined' } });
    expect(await client.emitWithAck('join', { room: 'one' })).toMatchObject({
      ok: false,
      error: { code: 'already-joined' },
    });
  });
});

describe('signal', () => {
  it('relays to the addressed peer with the sender as `from`', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    const c = await peerIn(server.url, 'lobby');
    const seenByC = record(c.client, 'signal');
    const received = nextEvent(b.client, 'signal');
    const data = { type: 'offer', sdp: 'v=0\r\n', nested: { n: [1, 2, 3] } };
    expect(await a.client.emitWithAck('signal', { to: b.id, data })).toEqual({ ok: true });
    expect(await received).toEqual({ from: a.id, data });
    await barrier(c.client);
    expect(seenByC).toEqual([]);
  });

  it('cannot reach a peer of another room: unknown-peer, nothing delivered', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'red');
    const b = await peerIn(server.url, 'blue');
    const seenByB = record(b.client, 'signal');
    expect(await a.client.emitWithAck('signal', { to: b.id, data: { x: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'unknown-peer' },
    });
    await barrier(b.client);
    expect(seenByB).toEqual([]);
  });

  it('is refused before joining (not-joined) and to oneself (unknown-peer)', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const outsider = await connectClient(server.url);
    const seenByA = record(a.client, 'signal');
    expect(await outsider.emitWithAck('signal', { to: a.id, data: {} })).toMatchObject({
      ok: false,
      error: { code: 'not-joined' },
    });
    expect(await a.client.emitWithAck('signal', { to: a.id, data: {} })).toMatchObject({
      ok: false,
      error: { code: 'unknown-peer' },
    });
    await barrier(a.client);
    expect(seenByA).toEqual([]);
  });
});

describe('leave and disconnect', () => {
  it('a peer that left gets nothing more, cannot be signaled, and the room hears peer-left', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    const left = nextEvent(a.client, 'peer-left');
    const seenByB = { signal: record(b.client, 'signal'), joined: record(b.client, 'peer-joined') };
    expect(await b.client.emitWithAck('leave')).toEqual({ ok: true });
    expect(await left).toEqual({ id: b.id });

    expect(await a.client.emitWithAck('signal', { to: b.id, data: { late: true } })).toMatchObject({
      ok: false,
      error: { code: 'unknown-peer' },
    });
    await peerIn(server.url, 'lobby');
    await barrier(b.client);
    expect(seenByB.signal).toEqual([]);
    expect(seenByB.joined).toEqual([]);
    expect(await b.client.emitWithAck('leave')).toMatchObject({ ok: false, error: { code: 'not-joined' } });
  });

  it('a left connection may join again and gets a new id', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    await a.client.emitWithAck('leave');
    const again = await join(a.client, 'lobby');
    expect(again.id).not.toBe(a.id);
  });

  it('disconnecting counts as leaving', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    const left = nextEvent(a.client, 'peer-left');
    b.client.disconnect();
    expect(await left).toEqual({ id: b.id });
    const c = await peerIn(server.url, 'lobby');
    expect(c.joined.peers).toEqual([a.id]);
  });
});
