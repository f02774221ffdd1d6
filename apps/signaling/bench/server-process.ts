// The signaling server under test, in its own process so its RSS is its own. Run with --expose-gc.
import { startSignalingServer } from '../src';
import type { ServerReport, ServerRequest } from './messages';

const send = (report: ServerReport) => process.send?.(report);

const server = await startSignalingServer({ port: 0, logLevel: 'warn', maxPeers: 50_000 });
send({ type: 'listening', url: server.url });

process.on('message', async (request: ServerRequest) => {
  if (request.type === 'measure') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    send({
      type: 'measured',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuMicros: cpu.user + cpu.system,
    });
  } else if (request.type === 'close') {
    await server.close();
    send({ type: 'closed' });
    process.disconnect();
  }
});
