import { randomBytes } from 'node:crypto';
import { type SignalingServer, type SignalingTestHooks, startSignalingServer } from '@conclave/signaling';
import { webDist } from '../../scripts/web-build.mjs';

/** A signaling server serving the built dashboard, which a test may stop and start again on the same port. */
export interface SignalingHandle {
  /** `http://127.0.0.1:PORT`: the same for the handle's whole life, across restarts. */
  readonly url: string;
  /** Stops the server (clients are told to reconnect) and starts a new one on the same port and key. */
  restart(): Promise<void>;
  /** Stops the server for good. */
  close(): Promise<void>;
}

/**
 * Starts a server on a free port of `host` (default loopback; a test bridge's address for test hosts); restarts
 * reuse the port and the resume-token key, so peers keep their ids.
 */
export async function startSignaling(
  testHooks: SignalingTestHooks = {},
  host = '127.0.0.1',
): Promise<SignalingHandle> {
  const key = randomBytes(24).toString('hex');
  const start = (port: number) =>
    startSignalingServer({ port, host, staticDir: webDist, key, logLevel: 'warn' }, testHooks);
  let server: SignalingServer = await start(0);
  const { port, url } = server;
  return {
    url,
    async restart() {
      await server.close();
      server = await start(port);
    },
    close: () => server.close(),
  };
}

/** Peer ids that only go down: every tab that joins has the lowest id in the room, the one contests favour. */
export function descendingPeerIds(): () => string {
  let next = 2n ** 128n - 1n;
  return () => (next--).toString(16).padStart(32, '0');
}
