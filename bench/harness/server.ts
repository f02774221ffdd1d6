import { startSignalingServer } from '@conclave/signaling';

/** The signaling server, in process, serving the built bench pages. */
export interface BenchServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startBenchServer(staticDir: string): Promise<BenchServer> {
  const server = await startSignalingServer({ port: 0, staticDir });
  return { url: server.url, close: () => server.close() };
}
