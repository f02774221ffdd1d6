// `npm run bench -w apps/signaling`: N socket.io clients in rooms of 8 relaying signals at a fixed total
// rate through one signaling server in its own process. Prints a table, writes bench/results.json.
//
//   --clients 1000,2000,5000   client counts to run (each a multiple of the room size)
//   --rate 1000                signals per second, in total
//   --duration 10              seconds of relaying per step
//   --warmup 2                 seconds of unmeasured relaying first (JIT, socket buffers)
//   --workers 2                client processes
import { type ChildProcess, fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ServerReport, ServerRequest, WorkerReport, WorkerRequest } from './messages';
import { quantile, round } from './stats';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000,2000,5000' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
  },
});
const roomSize = 8;
const clientCounts = values.clients.split(',').map(Number);
for (const clients of clientCounts) {
  if (!Number.isInteger(clients) || clients <= 0 || clients % roomSize !== 0) {
    throw new Error(`--clients values must be positive multiples of ${roomSize}, got ${clients}`);
  }
}
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
const warmupMs = Number(values.warmup) * 1000;
const workerCount = Number(values.workers);
const payloadBytes = 500;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Sends `request` to a child and resolves with its next report of type `type`. */
function ask<R extends { type: string }>(child: ChildProcess, request: object | undefined, type: R['type']) {
  return new Promise<R>((resolve) => {
    const onMessage = (report: R) => {
      if (report.type !== type) return;
      child.off('message', onMessage);
      resolve(report);
    };
    child.on('message', onMessage);
    if (request) child.send(request);
  });
}

async function step(clients: number) {
  const server = fork(here('./server-process.ts'), [], {
    execArgv: [
      '--conditions=conclave-source',
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env.BENCH_SERVER_ARGS?.split(' ') ?? []),
    ],
  });
  const { url } = await ask<Extract<ServerReport, { type: 'listening' }>>(server, undefined, 'listening');
  const measure = () =>
    ask<Extract<ServerReport, { type: 'measured' }>>(
      server,
      { type: 'measure' } satisfies ServerRequest,
      'measured',
    );
  const before = await measure();

  const rooms = Array.from({ length: clients / roomSize }, (_, n) => `bench-${n}`);
  const workers = Array.from({ length: workerCount }, () =>
    fork(here('./client-worker.ts'), [], { execArgv: ['--conditions=conclave-source', '--import', 'tsx'] }),
  );
  const connectStarted = performance.now();
  const ready = await Promise.all(
    workers.map((worker, w) =>
      ask<Extract<WorkerReport, { type: 'ready' }>>(
        worker,
        {
          type: 'setup',
          url,
          rooms: rooms.filter((_, n) => n % workerCount === w),
          roomSize,
          concurrency: 100,
        } satisfies WorkerRequest,
        'ready',
      ),
    ),
  );
  const connectWallMs = performance.now() - connectStarted;
  const connected = await measure();

  const relay = (ms: number) =>
    Promise.all(
      workers.map((worker) =>
        ask<Extract<WorkerReport, { type: 'done' }>>(
          worker,
          {
            type: 'run',
            signalsPerSecond: rate / workerCount,
            durationMs: ms,
            payloadBytes,
          } satisfies WorkerRequest,
          'done',
        ),
      ),
    );
  if (warmupMs > 0) await relay(warmupMs);
  const load = loadavg()[0] ?? 0;
  const relayStart = await measure(); // also resets the server's event-loop delay histogram
  const done = await relay(durationMs);
  const after = await measure();
  await Promise.all(
    workers.map((worker) => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.send({ type: 'close' } satisfies WorkerRequest);
      return exited;
    }),
  );
  await ask(server, { type: 'close' } satisfies ServerRequest, 'closed');

  const connectMs = ready.flatMap((report) => report.connectMs);
  const latencies = done.flatMap((report) => report.latenciesMs);
  const rejected: Record<string, number> = {};
  for (const report of done) {
    for (const [code, n] of Object.entries(report.rejected)) rejected[code] = (rejected[code] ?? 0) + n;
  }
  const failedConnects = ready.reduce((sum, report) => sum + report.failures, 0);
  const sent = done.reduce((sum, report) => sum + report.sent, 0);
  return {
    clients,
    loadAverage1m: round(load, 1),
    connected: connectMs.length,
    failedConnects,
    connectWallSeconds: round(connectWallMs / 1000),
    connectP50Ms: round(quantile(connectMs, 0.5)),
    connectP99Ms: round(quantile(connectMs, 0.99)),
    signalsSent: sent,
    signalsPerSecond: round(sent / (durationMs / 1000), 0),
    relayed: latencies.length,
    lost: done.reduce((sum, report) => sum + report.lost, 0),
    relayP50Ms: round(quantile(latencies, 0.5)),
    relayP99Ms: round(quantile(latencies, 0.99)),
    relayMaxMs: round(Math.max(...latencies)),
    rejected: Object.values(rejected).reduce((sum, n) => sum + n, 0) + failedConnects,
    rejectedByCode: rejected,
    serverRssBeforeMB: round(before.rssBytes / 2 ** 20, 1),
    serverRssConnectedMB: round(connected.rssBytes / 2 ** 20, 1),
    serverRssAfterMB: round(after.rssBytes / 2 ** 20, 1),
    rssPerClientKB: round((connected.rssBytes - before.rssBytes) / clients / 1024, 1),
    heapPerClientKB: round((connected.heapUsedBytes - before.heapUsedBytes) / clients / 1024, 1),
    serverCpuPercentWhileRelaying: round(
      ((after.cpuMicros - relayStart.cpuMicros) / 1000 / durationMs) * 100,
      0,
    ),
    serverLoopDelayP99Ms: round(after.loopDelay.p99Ms),
    serverLoopDelayMaxMs: round(after.loopDelay.maxMs),
  };
}

const results: (Awaited<ReturnType<typeof step>> & { marginalRssPerClientKB?: number })[] = [];
for (const clients of clientCounts) {
  console.error(`bench: ${clients} clients…`);
  const result = await step(clients);
  // RSS per client includes fixed growth (V8's young generation, code); the slope between two client
  // counts is the cost of one more client.
  const previous = results.at(-1);
  const marginalRssPerClientKB = previous
    ? round(
        ((result.serverRssConnectedMB - previous.serverRssConnectedMB) * 1024) / (clients - previous.clients),
        1,
      )
    : undefined;
  results.push({ ...result, marginalRssPerClientKB });
}

console.log(
  `\nSignaling relay: rooms of ${roomSize}, ${rate} signals/s in total, ${payloadBytes}-byte payloads,`,
);
console.log(
  `${durationMs / 1000} s measured per step after ${warmupMs / 1000} s of warm-up, ${workerCount} client processes; ` +
    `server in its own process. "load avg" is the machine's 1-minute load when measuring (${cpus().length} CPUs).\n`,
);
console.table(
  results.map((r) => ({
    clients: r.clients,
    'connect p50/p99 ms': `${r.connectP50Ms} / ${r.connectP99Ms}`,
    'all connected s': r.connectWallSeconds,
    'signals/s': r.signalsPerSecond,
    'relay p50 ms': r.relayP50Ms,
    'relay p99 ms': r.relayP99Ms,
    'relay max ms': r.relayMaxMs,
    'RSS/client KB': r.rssPerClientKB,
    'marginal RSS/client KB': r.marginalRssPerClientKB ?? '',
    'heap/client KB': r.heapPerClientKB,
    'server CPU %': r.serverCpuPercentWhileRelaying,
    'server loop delay p99/max ms': `${r.serverLoopDelayP99Ms} / ${r.serverLoopDelayMaxMs}`,
    rejected: r.rejected,
    lost: r.lost,
    'load avg': r.loadAverage1m,
  })),
);
const goals = results.at(-1);
if (goals) {
  console.log(
    `goals at ${goals.clients} clients: p99 ${goals.relayP99Ms} ms (<= 10), ${goals.rssPerClientKB} KB/client ` +
      `(marginal ${goals.marginalRssPerClientKB ?? '-'}; <= 15), ` +
      `${goals.connected}/${goals.clients} connected`,
  );
}
const output = here('./results.json');
await writeFile(
  output,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      settings: { roomSize, rate, durationMs, warmupMs, workers: workerCount, payloadBytes },
      results,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${output}`);
