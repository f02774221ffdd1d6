import type { ClientToServerEvents, JoinResult, ServerToClientEvents } from '@conclave/protocol';
import { io as connect, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { expect, onTestFinished } from 'vitest';
import { type SignalingServer, type SignalingServerInput, startSignalingServer } from '../../src';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
export type JoinSuccess = Extract<JoinResult, { ok: true }>;

/** A real server on a random port, closed when the test ends. */
export async function startServer(options: SignalingServerInput = {}): Promise<SignalingServer> {
  const server = await startSignalingServer({ logLevel: 'silent', ...options });
  onTestFinished(() => server.close());
  return server;
}

/** A connected socket.io-client, closed when the test ends. */
export async function connectClient(
  url: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<Client> {
  const client: Client = connect(url, { transports: ['websocket'], reconnection: false, ...options });
  onTestFinished(() => {
    client.close();
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  return client;
}

/** Joins and asserts success. */
export async function join(client: Client, room: string, extra: { secret?: string; resume?: string } = {}) {
  const result = await client.emitWithAck('join', { room, ...extra });
  if (!result.ok) expect.fail(`join ${room} failed: ${result.error.code} ${result.error.message}`);
  return result;
}

/** A connected client that has joined `room`. */
export async function peerIn(url: string, room: string, extra: { secret?: string; resume?: string } = {}) {
  const client = await connectClient(url);
  const joined = await join(client, room, extra);
  return { client, id: joined.id, joined };
}

/** Resolves with the next `event`'s argument. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    client.once(event, ((arg: Parameters<ServerToClientEvents[E]>[0]) => resolve(arg)) as never);
  });
}

/** Every `event` the client receives from now on, in order. */
export function record<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  client.on(event, ((arg: Parameters<ServerToClientEvents[E]>[0]) => seen.push(arg)) as never);
  return seen;
}

/**
 * A round trip on `client`'s own connection. The server writes to one connection in order, so once
 * this resolves, anything the server sent to `client` before the barrier request arrived has arrived
 * too: the way to show something did NOT arrive.
 */
export async function barrier(client: Client): Promise<void> {
  const reply = await (client as unknown as Socket).emitWithAck('barrier');
  expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-event' } });
}

/** Raw emit without the typed-event constraints, for malformed traffic. */
export function raw(client: Client): Socket {
  return client as unknown as Socket;
}
