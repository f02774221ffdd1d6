import { startSignalingServer } from '@conclave/signaling';

/**
 * The signaling server alone in this process, so its memory is measured without the clients'. Asked over
 * IPC, it collects garbage (node --expose-gc) and reports its resident set and heap.
 */
const server = await startSignalingServer({ logLevel: 'silent', maxConnectionsPerAddress: 1_000 });

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

process.on('message', (message) => {
  if (message === 'measure') {
    gc();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ rss, heapUsed });
  } else if (message === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send?.({ url: server.url });
