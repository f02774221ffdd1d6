/**
 * `npm run bench`: election speed in real Chromium tabs, Conclave (defaults and Fabric's timings) side by
 * side with broadcast-channel. Prints a table, writes bench/results/<date>.json and .svg (and latest.*).
 * Run with --help for the flags.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './harness/browser';
import { buildPages } from './harness/build-pages';
import { renderChart } from './harness/chart';
import { type ContenderId, contenders } from './harness/contenders';
import { type BenchOptions, parseOptions, usage } from './harness/options';
import { progress } from './harness/progress';
import { type BenchReport, markdownTable, printableReport } from './harness/report';
import { type Cell, checkGoals, computeRatios, summarizeCell } from './harness/results';
import { type RepetitionResult, type RepetitionTrace, runRepetition } from './harness/scenarios';
import { startBenchServer } from './harness/server';
import { sourceSnapshot } from './harness/source-snapshot';

const resultsDir = fileURLToPath(new URL('./results', import.meta.url));

function repsFor(options: BenchOptions, id: ContenderId): number {
  return id === 'fabric' ? options.fabricReps : options.reps;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const source = sourceSnapshot(options.ref);
  progress(
    `building pages from ${source.info.ref} (${source.info.commit.slice(0, 10)}${source.info.dirty ? ', with uncommitted changes' : ''})`,
  );
  const staticDir = await buildPages(source.aliases);
  const server = await startBenchServer(staticDir);
  progress(`serving on ${server.url}`);

  const cells: Cell[] = [];
  const traces: Record<string, RepetitionTrace> = {};
  let browserVersion = 'unknown';
  try {
    for (const id of options.contenders) {
      const contender = contenders[id];
      const reps = repsFor(options, id);
      for (const tabs of options.tabs) {
        // A fresh browser per contender and size: memory readings do not inherit earlier rooms.
        const browser = await launchBrowser();
        browserVersion = `Chromium ${browser.version()}`;
        const results: RepetitionResult[] = [];
        try {
          for (let rep = 1; rep <= reps; rep++) {
            const result = await runRepetition(browser, server.url, {
              contender,
              tabs,
              rep,
              reps,
              steadyMs: rep <= options.steadyReps ? options.steadyMs : undefined,
              trace: options.trace,
            });
            results.push(result);
            if (result.trace) traces[`${id}-${tabs}-${rep}`] = result.trace;
          }
        } finally {
          await browser.close();
        }
        cells.push(summarizeCell(id, tabs, results));
      }
    }
  } finally {
    await server.close();
  }

  const date = startedAt.toISOString().slice(0, 10);
  const notes = [
    ...(source.info.dirty ? ['Measured the working tree with uncommitted changes to the packages.'] : []),
    'Traffic is counted by wrapping RTCDataChannel.send, WebSocket.send and BroadcastChannel.postMessage in each page (bytes on the wire; Room.stats() counts messages only).',
    'broadcast-channel uses the Web Locks API here; "who leads" is a bench status broadcast (leader announces, newcomer asks), counted apart.',
    'broadcast-channel has no mesh: its "mesh formed" is the last tab loaded, and its newcomer clock starts at page load.',
    `Steady state measured in the first ${options.steadyReps} repetition(s) per cell, over ${options.steadyMs / 1000} s.`,
    ...(options.fabricReps !== options.reps
      ? [
          `The Fabric-timings contender ran ${options.fabricReps} repetitions (the others ${options.reps}) to bound the run time.`,
        ]
      : []),
    'Graceful failover starts when the closing leader page starts to go away (its first beforeunload/pagehide listener, relayed by the other tabs); "from page.close()" adds the browser\'s own delay. Crash failover starts in Node just before CDP Page.crash. Agreement times come from the pages (performance.timeOrigin + now()).',
    'First leader is clamped at 0 when the room agreed before the last link opened (the raw value is in the JSON); "navigation → agreed leader" shows start-up as a user sees it.',
  ];
  const report: BenchReport = {
    date,
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: {
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      browser: browserVersion,
      loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? 0 },
    },
    source: source.info,
    options: { ...options },
    contenders: options.contenders.map((id) => ({
      id,
      label: contenders[id].label,
      reps: repsFor(options, id),
    })),
    cells,
    ratios: computeRatios(cells, options.tabs),
    goals: checkGoals(cells),
    notes,
  };

  // A full run (the default flags) is <date>.* and becomes latest.*; --quick is <date>-quick.*; anything else
  // (fewer tabs, contenders or repetitions) is <date>-partial.*, kept out of git.
  const full =
    !options.quick &&
    options.tabs.join() === '2,8,16' &&
    options.contenders.length === 3 &&
    options.reps >= 5;
  const stem = `${resultsDir}/${date}${full ? '' : options.quick ? '-quick' : '-partial'}`;
  await mkdir(resultsDir, { recursive: true });
  await writeFile(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${stem}.svg`, renderChart(report));
  await writeFile(`${stem}.md`, `${markdownTable(report)}\n`);
  if (full)
    for (const ext of ['json', 'svg', 'md']) await copyFile(`${stem}.${ext}`, `${resultsDir}/latest.${ext}`);
  if (options.trace) await writeFile(`${resultsDir}/trace-${date}.json`, `${JSON.stringify(traces)}\n`);
  process.stdout.write(`${printableReport(report)}\n`);
  progress(`wrote ${stem}.json, .svg and .md${full ? ' (and latest.*)' : ''}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
