// The signaling server under test, in its own process so its RSS is its own. Run with --expose-gc.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startSignalingServer } from '../src';
import type { ServerReport, ServerRequest } from './messages';

const send = (report: ServerReport) => process.send?.(report);

// Every bench client connects from this machine's one address: lift the per-address cap with the peer limit.
const server = await startSignalingServer({
  port: 0,
  logLevel: 'warn',
  maxPeers: 50_000,
  maxConnectionsPerAddress: 100_000,
});
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
send({ type: 'listening', url: server.url });

process.on('message', async (request: ServerRequest) => {
  if (request.type === 'measure') {
    // Read the loop delay before the forced GC below, and restart it after, so GC pauses we cause are
    // never counted.
    const loopDelay = {
      p50Ms: loop.percentile(50) / 1e6,
      p99Ms: loop.percentile(99) / 1e6,
      maxMs: loop.max / 1e6,
    };
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    loop.reset();
    send({
      type: 'measured',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuMicros: cpu.user + cpu.system,
      loopDelay,
    });
  } else if (request.type === 'close') {
    await server.close();
    send({ type: 'closed' });
    process.disconnect();
  }
});
