import { describe, expect, it } from 'vitest';
import { barrier, connectClient, peerIn, record, startServer } from './support/server';

describe('room secret', () => {
  it('is set by the first joiner; later joiners need it: missing or wrong → forbidden, nothing announced', async () => {
    const server = await startServer();
    const owner = await peerIn(server.url, 'vault', { secret: 'correct horse' });
    const announced = record(owner.client, 'peer-joined');
    const client = await connectClient(server.url);
    for (const attempt of [{}, { secret: 'wrong horse' }, { secret: 'correct horse ' }]) {
      expect(await client.emitWithAck('join', { room: 'vault', ...attempt })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    await barrier(owner.client);
    expect(announced).toEqual([]);
    expect(await client.emitWithAck('join', { room: 'vault', secret: 'correct horse' })).toMatchObject({
      ok: true,
      peers: [owner.id],
    });
  });

  it('lets exactly one of many simultaneous first joiners with different secrets set it', async () => {
    const server = await startServer();
    const clients = await Promise.all(Array.from({ length: 8 }, () => connectClient(server.url)));
    const results = await Promise.all(
      clients.map((client, n) => client.emitWithAck('join', { room: 'race', secret: `secret-${n}` })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.error.code === 'forbidden')).toHaveLength(7);
  });

  it('a room opened without a secret stays open; a presented secret is ignored', async () => {
    const server = await startServer();
    const open = await peerIn(server.url, 'open');
    const withSecret = await peerIn(server.url, 'open', { secret: 'whatever' });
    const without = await peerIn(server.url, 'open');
    expect(without.joined.peers.sort()).toEqual([open.id, withSecret.id].sort());
  });

  it('is forgotten when the room empties: the next first joiner sets a new one', async () => {
    const server = await startServer();
    const first = await peerIn(server.url, 'vault', { secret: 'old' });
    await first.client.emitWithAck('leave');
    const second = await peerIn(server.url, 'vault', { secret: 'new' });
    const client = await connectClient(server.url);
    expect(await client.emitWithAck('join', { room: 'vault', secret: 'old' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await client.emitWithAck('join', { room: 'vault', secret: 'new' })).toMatchObject({
      ok: true,
      peers: [second.id],
    });
  });
});
