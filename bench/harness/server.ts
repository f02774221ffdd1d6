import { startSignalingServer } from '@conclave/signaling';

/** The signaling server, in process, serving the built bench pages. */
export interface BenchServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listens on a free port of `host`: loopback by default, a test bridge's address for the two-host arrangement
 * (the pages come from the same server, so their origin is the server's own, which it allows).
 */
export async function startBenchServer(staticDir: string, host = '127.0.0.1'): Promise<BenchServer> {
  const server = await startSignalingServer({ port: 0, staticDir, host });
  return { url: server.url, close: () => server.close() };
}
