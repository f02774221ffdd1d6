import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';

/**
 * Signaling memory under a long hostile run: many connections that join, signal, leave, send malformed and
 * unknown events and oversized payloads, then disconnect, wave after wave. Prints the server's resident
 * set and heap (after a full GC) at baseline, at the peak and after the run, and writes them as JSON.
 *
 *   npm run bench:signaling-memory -- [--events 100000] [--concurrency 50]
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer`);
  return value;
};
const totalEvents = option('events', 100_000);
const concurrency = option('concurrency', 50);
const eventsPerConnection = 40;

interface Memory {
  rss: number;
  heapUsed: number;
}

const child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), {
  execArgv: ['--import', 'tsx', '--conditions=conclave-source', '--expose-gc'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const replies: ((message: unknown) => void)[] = [];
child.on('message', (message) => replies.shift()?.(message));
const nextReply = <T>() => new Promise<T>((resolve) => replies.push(resolve as (message: unknown) => void));
const measure = () => {
  const reply = nextReply<Memory>();
  child.send('measure');
  return reply;
};

/** A small deterministic generator, so runs are comparable. */
let seed = 0x2f6e2b1;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const junk = () =>
  pick<unknown>([
    null,
    42,
    'x'.repeat(Math.floor(random() * 70_000)),
    { room: 'r'.repeat(Math.floor(random() * 80)) },
    { to: 'f'.repeat(32), data: { sdp: 'y'.repeat(Math.floor(random() * 20_000)) } },
    [1, [2, [3, [4]]]],
    { __proto__: { polluted: true }, room: 'proto' },
  ]);

/** One hostile connection: `eventsPerConnection` events, with and without acknowledgements, then gone. */
async function hostileConnection(url: string): Promise<number> {
  const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', () => resolve());
  });
  let sent = 0;
  const room = `storm-${Math.floor(random() * 40)}`;
  for (let n = 0; n < eventsPerConnection && socket.connected; n++) {
    const kind = random();
    const ack = socket.timeout(2_000);
    if (kind < 0.2)
      await ack.emitWithAck('join', { room, secret: random() < 0.5 ? 's' : undefined }).catch(() => {});
    else if (kind < 0.4)
      await ack.emitWithAck('signal', { to: 'a'.repeat(32), data: junk() }).catch(() => {});
    else if (kind < 0.5) await ack.emitWithAck('leave').catch(() => {});
    else if (kind < 0.7) socket.emit(pick(['join', 'signal', 'leave', 'nope', 'x'.repeat(200)]), junk());
    else await ack.emitWithAck('join', junk()).catch(() => {});
    sent++;
  }
  socket.disconnect();
  return sent;
}

const ready = nextReply<{ url: string }>();
const { url } = await ready;
// Warm up (module caches, JIT), then take the baseline.
await Promise.all(Array.from({ length: concurrency }, () => hostileConnection(url)));
const baseline = await measure();
let peak = baseline;
let sent = 0;
let connections = 0;
const started = Date.now();
while (sent < totalEvents) {
  const wave = await Promise.all(Array.from({ length: concurrency }, () => hostileConnection(url)));
  sent += wave.reduce((sum, count) => sum + count, 0);
  connections += concurrency;
  if (connections % (concurrency * 20) === 0) {
    const now = await measure();
    if (now.rss > peak.rss) peak = now;
    process.stdout.write(`\r${sent} events, ${connections} connections, rss ${mb(now.rss)} MB   `);
  }
}
const seconds = (Date.now() - started) / 1000;
// Let the server finish closing the last sockets before the final measure.
await new Promise((resolve) => setTimeout(resolve, 1_000));
const after = await measure();
child.send('stop');

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
const rows = [
  ['baseline', baseline],
  ['peak (sampled)', peak],
  ['after the run', after],
] as const;
console.log(
  `\n\nSignaling memory: ${sent} hostile events over ${connections} connections in ${seconds.toFixed(0)} s\n`,
);
console.log('| Moment | RSS (MB) | Heap used (MB) |\n| --- | --- | --- |');
for (const [name, memory] of rows) console.log(`| ${name} | ${mb(memory.rss)} | ${mb(memory.heapUsed)} |`);
console.log(
  `\nRSS after − baseline: ${mb(after.rss - baseline.rss)} MB; heap: ${mb(after.heapUsed - baseline.heapUsed)} MB`,
);
const results = new URL('../results/', import.meta.url);
mkdirSync(results, { recursive: true });
writeFileSync(
  new URL('signaling-memory.json', results),
  `${JSON.stringify({ date: new Date().toISOString(), events: sent, connections, seconds, baseline, peak, after }, null, 2)}\n`,
);
