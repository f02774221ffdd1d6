import { describe, expect, it } from 'vitest';
import { connectClient, join, nextEvent, peerIn, startServer } from './support/server';

const key = 'test-key-0123456789abcdef';

describe('resume', () => {
  it('a valid token for the same room gives the same id back', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    b.client.disconnect();
    const back = await peerIn(server.url, 'lobby', { resume: b.joined.resume });
    expect(back.id).toBe(b.id);
    expect(back.joined.peers).toEqual([a.id]);
    // A fresh token for the same id: a tab that keeps rejoining never runs into the TTL.
    expect(back.joined.resume.startsWith(`${b.id}.`)).toBe(true);
  });

  it('keeps ids across a restart when the key is set', async () => {
    const first = await startServer({ key });
    const before = await peerIn(first.url, 'lobby');
    await first.close();
    const second = await startServer({ key });
    const after = await peerIn(second.url, 'lobby', { resume: before.joined.resume });
    expect(after.id).toBe(before.id);
  });

  it('rotating the key keeps ids while the old key is listed, and not after', async () => {
    const rotated = 'rotated-key-0123456789abcdef';
    const first = await startServer({ key });
    const before = await peerIn(first.url, 'lobby');
    await first.close();
    const overlap = await startServer({ key: rotated, previousKeys: [key] });
    const during = await peerIn(overlap.url, 'lobby', { resume: before.joined.resume });
    expect(during.id).toBe(before.id);
    await overlap.close();
    const after = await startServer({ key: rotated });
    expect(await (await peerIn(after.url, 'lobby', { resume: during.joined.resume })).id).toBe(before.id);
    const client = await connectClient(after.url);
    expect(await client.emitWithAck('join', { room: 'lobby', resume: before.joined.resume })).toMatchObject({
      ok: false,
      error: { code: 'invalid-resume' },
    });
  });

  it('a token from another key is invalid-resume (a random per-process key does not survive a restart)', async () => {
    const first = await startServer();
    const before = await peerIn(first.url, 'lobby');
    const second = await startServer();
    const client = await connectClient(second.url);
    expect(await client.emitWithAck('join', { room: 'lobby', resume: before.joined.resume })).toMatchObject({
      ok: false,
      error: { code: 'invalid-resume' },
    });
  });

  it.each([
    ['from another room', (token: string) => ({ room: 'other', resume: token })],
    [
      'with another id',
      (token: string) => ({ room: 'lobby', resume: `${'0'.repeat(32)}${token.slice(32)}` }),
    ],
    [
      'with a flipped mac character',
      (token: string) => ({ room: 'lobby', resume: flip(token, token.length - 10) }),
    ],
    [
      'with a non-canonical last character',
      (token: string) => ({ room: 'lobby', resume: flipPadding(token) }),
    ],
    ['truncated', (token: string) => ({ room: 'lobby', resume: token.slice(0, -4) })],
    ['without a mac', (token: string) => ({ room: 'lobby', resume: token.slice(0, 32) })],
  ])('a token %s is invalid-resume and joins nothing', async (_, request) => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    const client = await connectClient(server.url);
    const reply = await client.emitWithAck('join', request(b.joined.resume));
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-resume' } });
    // b is untouched: still connected and reachable.
    const received = nextEvent(b.client, 'signal');
    expect(await a.client.emitWithAck('signal', { to: b.id, data: { n: 1 } })).toEqual({ ok: true });
    expect(await received).toEqual({ from: a.id, data: { n: 1 } });
  });

  it('resuming an id that is still connected disconnects the old connection first', async () => {
    const server = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    const membership: string[] = [];
    a.client.on('peer-left', ({ id }) => membership.push(`left ${id}`));
    a.client.on('peer-joined', ({ id }) => membership.push(`joined ${id}`));
    const oldClosed = new Promise<string>((resolve) => b.client.once('disconnect', resolve));

    const replacement = await peerIn(server.url, 'lobby', { resume: b.joined.resume });
    expect(replacement.id).toBe(b.id);
    expect(replacement.joined.peers).toEqual([a.id]);
    expect(await oldClosed).toBe('io server disconnect');

    const received = nextEvent(replacement.client, 'signal');
    await a.client.emitWithAck('signal', { to: b.id, data: { to: 'replacement' } });
    expect(await received).toEqual({ from: a.id, data: { to: 'replacement' } });
    expect(membership).toEqual([`left ${b.id}`, `joined ${b.id}`]);
  });

  it('a resumed peer still needs the room secret', async () => {
    const server = await startServer();
    await peerIn(server.url, 'vault', { secret: 'open sesame' });
    const b = await peerIn(server.url, 'vault', { secret: 'open sesame' });
    const client = await connectClient(server.url);
    expect(await client.emitWithAck('join', { room: 'vault', resume: b.joined.resume })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await join(client, 'vault', { resume: b.joined.resume, secret: 'open sesame' })).id).toBe(b.id);
  });
});

function flip(token: string, index: number): string {
  return token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

/** The last base64url character of a 32-byte mac carries 2 unused bits: flipping one keeps the bytes. */
function flipPadding(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(token.at(-1) ?? '');
  return token.slice(0, -1) + alphabet[last ^ 1];
}
