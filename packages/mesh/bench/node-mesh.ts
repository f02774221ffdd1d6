// Node mesh benchmark: N "tabs" (joinRoom over @roamhq/wrtc) against a real signaling server on this machine.
// Measures join, full-mesh and first-leader times from the moment all N start joining, and the graceful
// failover time (leader.leave() until the others agree on a successor). Prints a table, writes JSON.
// Run: npm run bench -w packages/mesh [-- --sizes 2,4,8 --runs 3]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSignalingServer } from '@conclave/signaling';
import wrtc from '@roamhq/wrtc';
import { type JoinRoomOptions, joinRoom, type Room } from '../src/index';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '2,4,8' }, runs: { type: 'string', default: '3' } },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);

interface Sample {
  joinedMs: number;
  meshMs: number;
  leaderMs: number;
  failoverMs: number;
}

function agreed(rooms: readonly Room[]): boolean {
  const snapshots = rooms.map((room) => room.snapshot());
  const leaders = snapshots.filter((s) => s.role === 'leader');
  return (
    leaders.length === 1 &&
    snapshots.every((s) => s.leaderId === leaders[0]!.selfId && s.term === leaders[0]!.term)
  );
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<number> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now();
}

async function measure(size: number, run: number): Promise<Sample> {
  const server = await startSignalingServer({ port: 0, logLevel: 'silent' });
  try {
    const start = performance.now();
    const rooms = await Promise.all(
      Array.from({ length: size }, () =>
        joinRoom({
          signalingUrl: server.url,
          room: `bench-${size}-${run}`,
          wrtc: wrtc as unknown as JoinRoomOptions['wrtc'],
          timers: 'page',
        }),
      ),
    );
    const joined = performance.now();
    const meshed = await until(() =>
      rooms.every((room) => room.snapshot().peers.filter((p) => p.link === 'open').length === size - 1),
    );
    const led = await until(() => agreed(rooms));
    const leader = rooms.find((room) => room.snapshot().role === 'leader')!;
    const rest = rooms.filter((room) => room !== leader);
    const leaving = performance.now();
    void leader.leave();
    const failover = rest.length > 0 ? (await until(() => agreed(rest))) - leaving : 0;
    await Promise.all(rooms.map((room) => room.leave()));
    return { joinedMs: joined - start, meshMs: meshed - start, leaderMs: led - start, failoverMs: failover };
  } finally {
    await server.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Array<{ tabs: number; links: number; samples: Sample[] }> = [];
for (const size of sizes) {
  const samples: Sample[] = [];
  for (let run = 0; run < runs; run++) samples.push(await measure(size, run));
  results.push({ tabs: size, links: (size * (size - 1)) / 2, samples });
}

const fmt = (xs: number[]) =>
  `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
console.log(
  `\nNode mesh over @roamhq/wrtc, ${runs} runs each; ms, median (min–max), from the start of joining\n`,
);
console.log('| tabs | links | all joined | full mesh | leader agreed | graceful failover |');
console.log('|---|---|---|---|---|---|');
for (const { tabs, links, samples } of results) {
  const col = (key: keyof Sample) => fmt(samples.map((s) => s[key]));
  console.log(
    `| ${tabs} | ${links} | ${col('joinedMs')} | ${col('meshMs')} | ${col('leaderMs')} | ${col('failoverMs')} |`,
  );
}
const outDir = new URL('./results/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(
  new URL('node-mesh.json', outDir),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, runs, results }, null, 2)}\n`,
);
console.log(`\nwrote ${new URL('node-mesh.json', outDir).pathname}`);
process.exit(0);
