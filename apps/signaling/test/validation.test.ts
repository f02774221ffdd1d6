import { limits, type SignalingErrorBody } from '@conclave/protocol';
import { describe, expect, it } from 'vitest';
import { barrier, connectClient, join, nextEvent, peerIn, raw, record, startServer } from './support/server';

const someId = 'f'.repeat(32);

describe('malformed requests get a typed error and change nothing', () => {
  const badJoins: [string, unknown[]][] = [
    ['no payload', []],
    ['a string', ['lobby']],
    ['null', [null]],
    ['an array', [['lobby']]],
    ['a number room', [{ room: 42 }]],
    ['a missing room', [{ secret: 'x' }]],
    ['a room with a slash', [{ room: 'a/b' }]],
    ['a huge room', [{ room: 'r'.repeat(40_000) }]],
    ['a huge secret', [{ room: 'lobby', secret: 's'.repeat(limits.secretMaxLength + 1) }]],
    ['an unknown field', [{ room: 'lobby', id: someId }]],
    ['a huge unknown field', [{ room: 'lobby', ['k'.repeat(10_000)]: 1 }]],
    ['binary', [Buffer.from('lobby')]],
    ['two payloads', [{ room: 'lobby' }, { room: 'lobby' }]],
  ];

  it.each(badJoins)('join with %s → invalid-payload; the connection can still join', async (_, args) => {
    const server = await startServer();
    const member = await peerIn(server.url, 'lobby');
    const seenByMember = record(member.client, 'peer-joined');
    const client = await connectClient(server.url);
    const reply = await raw(client).emitWithAck('join', ...args);
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.any(String) },
    });
    expect((reply as { error: SignalingErrorBody }).error.message.length).toBeLessThanOrEqual(300);
    await barrier(member.client);
    expect(seenByMember).toEqual([]);
    const joined = await join(client, 'lobby');
    expect(joined.peers).toEqual([member.id]);
  });

  const badSignals: [string, (to: string) => unknown[]][] = [
    ['no payload', () => []],
    ['a string', (to) => [to]],
    ['a missing `to`', () => [{ data: {} }]],
    ['a malformed `to`', () => [{ to: 'not-an-id', data: {} }]],
    ['string data', (to) => [{ to, data: 'offer' }]],
    ['array data', (to) => [{ to, data: [1, 2] }]],
    ['null data', (to) => [{ to, data: null }]],
    ['data over the size limit', (to) => [{ to, data: { sdp: 'x'.repeat(limits.signalDataMaxBytes) } }]],
    ['a spoofed `from`', (to) => [{ to, data: {}, from: someId }]],
    ['binary data', (to) => [{ to, data: Buffer.alloc(8) }]],
  ];

  it.each(badSignals)('signal with %s → invalid-payload; nothing relayed', async (_, args) => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    const seenByB = record(b.client, 'signal');
    const reply = await raw(a.client).emitWithAck('signal', ...args(b.id));
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    await barrier(b.client);
    expect(seenByB).toEqual([]);
  });

  it('leave with a payload → invalid-payload; still in the room', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    expect(await raw(a.client).emitWithAck('leave', { now: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    const received = nextEvent(a.client, 'signal');
    await b.client.emitWithAck('signal', { to: a.id, data: { still: 'here' } });
    expect(await received).toEqual({ from: b.id, data: { still: 'here' } });
  });

  it('an unknown event → unknown-event, through the ack or the error event', async () => {
    const server = await startServer();
    const client = await connectClient(server.url);
    expect(await raw(client).emitWithAck('take-over', { id: someId })).toMatchObject({
      ok: false,
      error: { code: 'unknown-event' },
    });
    const error = nextEvent(client, 'error');
    raw(client).emit('x'.repeat(5_000), 1, 2);
    const body = await error;
    expect(body.code).toBe('unknown-event');
    expect(body.message.length).toBeLessThanOrEqual(300);
  });

  it.each(['toString', 'constructor', 'hasOwnProperty'])(
    'an event named like an object property (%s) → unknown-event, not a crash',
    async (event) => {
      const server = await startServer();
      const client = await connectClient(server.url);
      expect(await raw(client).emitWithAck(event, { room: 'lobby' })).toMatchObject({
        ok: false,
        error: { code: 'unknown-event' },
      });
    },
  );

  it.each(['join', 'signal', 'leave'])(
    '%s without an acknowledgement → missing-ack error event, no effect',
    async (event) => {
      const server = await startServer();
      const a = await peerIn(server.url, 'lobby');
      const client = await connectClient(server.url);
      const seenByA = record(a.client, 'peer-joined');
      const error = nextEvent(client, 'error');
      raw(client).emit(event, event === 'join' ? { room: 'lobby' } : { to: a.id, data: {} });
      expect(await error).toMatchObject({ code: 'missing-ack' });
      await barrier(a.client);
      expect(seenByA).toEqual([]);
      expect(await client.emitWithAck('leave')).toMatchObject({ ok: false, error: { code: 'not-joined' } });
    },
  );

  it('a frame over maxHttpBufferSize closes only that connection', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    const left = nextEvent(a.client, 'peer-left');
    const closed = new Promise<string>((resolve) => b.client.once('disconnect', resolve));
    raw(b.client).emit('signal', { to: a.id, data: { sdp: 'x'.repeat(limits.maxHttpBufferSize) } }, () => {});
    expect(await closed).toBe('transport close');
    expect(await left).toEqual({ id: b.id });
    const c = await peerIn(server.url, 'lobby');
    expect(c.joined.peers).toEqual([a.id]);
  });
});
