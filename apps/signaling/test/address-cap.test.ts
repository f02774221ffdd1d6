import { io as connect } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SignalingServer } from '../src';
import { metricSample } from './support/metrics';
import { type Client, startServer } from './support/server';

const refusedConnections = 'conclave_limit_refusals_total{limit="address-connections"}';

/**
 * Connects from the loopback address `from` (all of 127/8 is this machine), optionally with extra headers
 * as a proxy would add them. Resolves with the client once connected, or with the reason it was not:
 * refused at the handshake, or closed before it connected.
 */
function attempt(
  server: SignalingServer,
  from: string,
  headers: Record<string, string> = {},
): Promise<{ client: Client } | { refused: 'at-handshake' | 'after-connecting' }> {
  const client: Client = connect(server.url, {
    transports: ['websocket'],
    reconnection: false,
    localAddress: from,
    extraHeaders: headers,
  } as Parameters<typeof connect>[1]);
  onTestFinished(() => {
    client.close();
  });
  return new Promise((resolve) => {
    client.once('connect', () => resolve({ client }));
    client.once('connect_error', () => resolve({ refused: 'at-handshake' }));
    client.once('disconnect', () => resolve({ refused: 'after-connecting' }));
  });
}

async function connected(server: SignalingServer, from: string, headers?: Record<string, string>) {
  const result = await attempt(server, from, headers);
  if (!('client' in result)) expect.fail(`connection from ${from} refused: ${result.refused}`);
  return result.client;
}

/** Closes `client` and resolves once the server has closed its connection (not just its socket). */
async function disconnect(server: SignalingServer, client: Client): Promise<void> {
  const serverSide = server.io.sockets.sockets.get(client.id ?? '');
  if (!serverSide) expect.fail('no server-side socket');
  const gone = new Promise((resolve) => serverSide.conn.once('close', resolve));
  client.close();
  await gone;
}

describe('connections per client address', () => {
  it('caps one address, leaves others alone, counts refusals, and frees a slot on disconnect', async () => {
    const server = await startServer({ maxConnectionsPerAddress: 2 });
    const first = await connected(server, '127.0.0.2');
    await connected(server, '127.0.0.2');
    expect(await attempt(server, '127.0.0.2')).toEqual({ refused: 'at-handshake' });
    expect(await attempt(server, '127.0.0.2')).toEqual({ refused: 'at-handshake' });
    await connected(server, '127.0.0.3');
    await connected(server, '127.0.0.1');
    expect(await metricSample(server.url, refusedConnections)).toBe(2);

    await disconnect(server, first);
    await connected(server, '127.0.0.2');
    expect(await attempt(server, '127.0.0.2')).toEqual({ refused: 'at-handshake' });
  });

  it('holds under simultaneous handshakes from one address: exactly the cap connects', async () => {
    const server = await startServer({ maxConnectionsPerAddress: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, () => attempt(server, '127.0.0.2')));
    expect(results.filter((result) => 'client' in result)).toHaveLength(3);
    expect(results.filter((result) => 'refused' in result && result.refused === 'at-handshake')).toHaveLength(
      9,
    );
    expect(server.io.engine.clientsCount).toBe(3);
    expect(await metricSample(server.url, refusedConnections)).toBe(9);
  });

  it('ignores forwarding headers unless a trusted proxy header is configured', async () => {
    const server = await startServer({ maxConnectionsPerAddress: 2 });
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '10.0.0.1' });
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '10.0.0.2' });
    expect(await attempt(server, '127.0.0.2', { 'x-forwarded-for': '10.0.0.3' })).toEqual({
      refused: 'at-handshake',
    });
  });

  it('with a trusted header, counts its right-most entry; what the client wrote to its left is ignored', async () => {
    const server = await startServer({ maxConnectionsPerAddress: 2, trustedProxyHeader: 'x-forwarded-for' });
    // Behind the proxy, every connection comes from the proxy's address: 127.0.0.2 here.
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '10.0.0.1' });
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '10.0.0.2' });
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '10.0.0.3' });
    // A client that forges a first hop is still the address the proxy appended.
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '6.6.6.6, 10.0.0.9' });
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '7.7.7.7, 10.0.0.9' });
    expect(await attempt(server, '127.0.0.2', { 'x-forwarded-for': '8.8.8.8, 10.0.0.9' })).toEqual({
      refused: 'at-handshake',
    });
    // IPv4-mapped IPv6 is the same host.
    expect(await attempt(server, '127.0.0.2', { 'x-forwarded-for': '::ffff:10.0.0.9' })).toEqual({
      refused: 'at-handshake',
    });
    // An IPv6 client counts as its /64, however it spells its address.
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '2001:db8:0:1::1' });
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '2001:DB8:0:1:ffff:0:0:2' });
    expect(await attempt(server, '127.0.0.2', { 'x-forwarded-for': '2001:0db8:0000:0001::3' })).toEqual({
      refused: 'at-handshake',
    });
    await connected(server, '127.0.0.2', { 'x-forwarded-for': '2001:db8:0:2::1' });
    // A request that did not come through the proxy (no usable header) counts against its TCP peer.
    await connected(server, '127.0.0.4');
    await connected(server, '127.0.0.4', { 'x-forwarded-for': 'not-an-address' });
    expect(await attempt(server, '127.0.0.4')).toEqual({ refused: 'at-handshake' });
  });
});
