/**
 * Election benchmark (not a test): N simulated peers started together on one virtual clock.
 *
 * For each N and each start mode it measures: simulated time until exactly one leader that everyone agrees
 * on, messages sent (transmissions: a gossip to k peers counts k), then a silent crash of the leader (only
 * the liveness timer can tell), a crash of the next one that the mesh notices at once (it leaves every view)
 * and a graceful stop of the one after (abdication), and finally `steadyMs` of
 * simulated steady state. Real CPU time covers the whole run (start, both failovers, steady state);
 * speed = simulated ms / real CPU ms.
 *
 * Run: npm run bench -w packages/election   (writes bench/results.json)
 */
import { writeFileSync } from 'node:fs';
import { browserDefaults, type ElectionConfig } from '../src/index';
import { createRandom, SimulatedCluster } from '../src/simulation/index';

const sizes = [10, 100, 1_000];
const steadyMs = 60_000;
const modes: Record<string, Partial<ElectionConfig>> = {
  browser: browserDefaults,
  'no-backoff': { ...browserDefaults, proposalBackoff: 0 }, // everyone proposes at once, as in Fabric
};

interface Row {
  mode: string;
  peers: number;
  convergeMs: number;
  startMessages: number;
  crashFailoverMs: number;
  /** A crash the mesh notices at once (the leader leaves every view): the immediate successor's case. */
  noticedCrashFailoverMs: number;
  stopFailoverMs: number;
  steadyMessagesPerSecond: number;
  totalMessages: number;
  simulatedMs: number;
  cpuMs: number;
  speed: number;
  /** CPU for starting the peers and converging: N views of N - 1 peers are built, O(N²) once. */
  startCpuMs: number;
  /** Simulated / real over the steady state alone. */
  steadySpeed: number;
  heapMiB: number;
}

/** 32 lowercase hex characters, like the signaling server's ids. */
function peerIds(count: number, seed: number): string[] {
  const random = createRandom(seed);
  const hex = () =>
    Math.floor(random.next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return Array.from({ length: count }, () => hex() + hex() + hex() + hex());
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function measure(mode: string, config: Partial<ElectionConfig>, peers: number): Row {
  const cluster = new SimulatedCluster({
    seed: peers,
    latency: { min: 1, max: 10 },
    jitter: 2,
    config,
    record: false,
  });
  const ids = peerIds(peers, peers);
  const cpuStart = cpuMs();
  const simStart = cluster.clock.now();

  cluster.startAll(ids);
  const converged = cluster.runUntilConverged(30_000);
  if (converged === undefined) throw new Error(`${mode}/${peers}: no convergence`);
  const startMessages = cluster.network.stats.sent;
  const startCpuMs = cpuMs() - cpuStart;

  const failover = (act: (leader: string) => void): number => {
    const [leader] = cluster.leaders();
    if (leader === undefined) throw new Error('no leader');
    const at = cluster.clock.now();
    act(leader);
    const settled = cluster.runUntilConverged(30_000);
    if (settled === undefined || cluster.leaders()[0] === leader)
      throw new Error(`${mode}/${peers}: no failover`);
    return settled - at;
  };
  cluster.run(333); // crash between two heartbeats, not right after one
  const crashFailoverMs = failover((leader) => cluster.crash(leader, { detectAfter: 'never' }));
  cluster.run(1_000);
  const noticedCrashFailoverMs = failover((leader) => cluster.crash(leader, { detectAfter: 0 }));
  cluster.run(1_000);
  const stopFailoverMs = failover((leader) => cluster.stop(leader));

  const beforeSteady = cluster.network.stats.sent;
  const steadyCpuStart = cpuMs();
  cluster.run(steadyMs);
  const steadyCpuMs = cpuMs() - steadyCpuStart;
  const steadyMessagesPerSecond = ((cluster.network.stats.sent - beforeSteady) / steadyMs) * 1000;

  const cpu = cpuMs() - cpuStart;
  const simulatedMs = cluster.clock.now() - simStart;
  return {
    mode,
    peers,
    convergeMs: Math.round(converged - simStart),
    startMessages,
    crashFailoverMs: Math.round(crashFailoverMs),
    noticedCrashFailoverMs: Math.round(noticedCrashFailoverMs),
    stopFailoverMs: Math.round(stopFailoverMs),
    steadyMessagesPerSecond: Math.round(steadyMessagesPerSecond),
    totalMessages: cluster.network.stats.sent,
    simulatedMs: Math.round(simulatedMs),
    cpuMs: Math.round(cpu),
    speed: Math.round(simulatedMs / Math.max(cpu, 1)),
    startCpuMs: Math.round(startCpuMs),
    steadySpeed: Math.round(steadyMs / Math.max(steadyCpuMs, 1)),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

measure('warm-up', modes.browser as Partial<ElectionConfig>, 50); // let the JIT compile before timing anything
const rows: Row[] = [];
for (const [mode, config] of Object.entries(modes)) {
  for (const peers of sizes) rows.push(measure(mode, config, peers));
}

const columns: Array<[keyof Row, string]> = [
  ['mode', 'mode'],
  ['peers', 'peers'],
  ['convergeMs', 'converge (sim ms)'],
  ['startMessages', 'msgs to converge'],
  ['crashFailoverMs', 'silent crash (sim ms)'],
  ['noticedCrashFailoverMs', 'noticed crash (sim ms)'],
  ['stopFailoverMs', 'stop hand-over (sim ms)'],
  ['steadyMessagesPerSecond', 'steady msgs/s'],
  ['totalMessages', 'msgs total'],
  ['simulatedMs', 'simulated ms'],
  ['cpuMs', 'CPU ms'],
  ['speed', 'sim/real'],
  ['startCpuMs', 'start CPU ms'],
  ['steadySpeed', 'steady sim/real'],
];
const table = [
  columns.map(([, title]) => title),
  ...rows.map((row) => columns.map(([key]) => String(row[key]))),
];
const widths = columns.map((_, i) => Math.max(...table.map((line) => (line[i] as string).length)));
for (const [index, line] of table.entries()) {
  console.log(line.map((cell, i) => cell.padStart(widths[i] as number)).join('  '));
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log(
  `\nEach run: start together, converge, silent crash of the leader, a crash noticed at once of the next, graceful stop of the next, then ${steadyMs / 1000} s of steady state.`,
  '\nCPU ms and sim/real cover the whole run; start CPU ms is the part spent starting and converging;',
  'steady sim/real is the steady state alone. Links: 1-10 ms latency + 0-2 ms jitter, no loss.',
);

const output = new URL('./results.json', import.meta.url);
writeFileSync(
  output,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, steadyMs, rows }, null, 2)}\n`,
);
console.log(`\nwrote ${output.pathname}`);
