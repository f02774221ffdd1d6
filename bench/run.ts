/**
 * `npm run bench`: election speed in real Chromium tabs, Conclave (defaults and Fabric's timings) side by
 * side with broadcast-channel in one browser, and Conclave with its tabs split over two browsers (WebRTC
 * between them). Prints a table and the goals (MET/MISS), writes bench/results/<date>.json, .md and .svg (and
 * latest.*). Run with --help for the flags.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './harness/browser';
import { buildPages } from './harness/build-pages';
import { renderChart } from './harness/chart';
import { type ContenderId, contenders } from './harness/contenders';
import { checkGoals } from './harness/goals';
import { type BenchOptions, parseOptions, usage } from './harness/options';
import { progress } from './harness/progress';
import {
  type BenchReport,
  markdownGoals,
  markdownTable,
  printableReport,
  type Series,
} from './harness/report';
import { type Cell, computeRatios, summarizeCell } from './harness/results';
import { type RepetitionResult, type RepetitionTrace, runRepetition } from './harness/scenarios';
import { startBenchServer } from './harness/server';
import { sourceSnapshot } from './harness/source-snapshot';

const resultsDir = fileURLToPath(new URL('./results', import.meta.url));

function repsFor(options: BenchOptions, id: ContenderId): number {
  return id === 'fabric' ? options.fabricReps : options.reps;
}

/**
 * The columns of this run: every chosen contender in one browser, then Conclave (defaults) over two browsers
 * (broadcast-channel cannot cross browsers; Fabric's timings would only add minutes).
 */
function seriesOf(options: BenchOptions): Series[] {
  const series: Series[] = [];
  if (options.arrangements.includes('same')) {
    for (const id of options.contenders)
      series.push({ id, arrangement: 'same', label: contenders[id].label, reps: repsFor(options, id) });
  }
  if (options.arrangements.includes('cross') && options.contenders.includes('conclave')) {
    series.push({
      id: 'conclave',
      arrangement: 'cross',
      label: 'Conclave, two browsers',
      reps: options.reps,
    });
  }
  return series;
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

  const series = seriesOf(options);
  const cells: Cell[] = [];
  const traces: Record<string, RepetitionTrace> = {};
  let browserVersion = 'unknown';
  try {
    for (const { id, arrangement, reps } of series) {
      const contender = contenders[id];
      for (const tabs of options.tabs) {
        // Fresh browsers per column and size: memory readings do not inherit earlier rooms.
        const browsers = await Promise.all(
          Array.from({ length: arrangement === 'cross' ? 2 : 1 }, () => launchBrowser()),
        );
        browserVersion = `Chromium ${browsers[0]!.version()}`;
        const results: RepetitionResult[] = [];
        // Steady state is measured in the first repetitions that get that far: one that timed out before
        // agreeing on a leader must not leave the cell without a CPU figure.
        let steadyMeasured = 0;
        try {
          for (let rep = 1; rep <= reps; rep++) {
            const result = await runRepetition(browsers, server.url, {
              contender,
              arrangement,
              tabs,
              rep,
              reps,
              steadyMs: steadyMeasured < options.steadyReps ? options.steadyMs : undefined,
              trace: options.trace,
            });
            results.push(result);
            if (result.steady) steadyMeasured++;
            // Same-browser keys stay as before (`conclave-8-2`); cross-browser ones say so (`conclave-cross-8-2`).
            const key =
              arrangement === 'same' ? `${id}-${tabs}-${rep}` : `${id}-${arrangement}-${tabs}-${rep}`;
            if (result.trace) traces[key] = result.trace;
          }
        } finally {
          await Promise.all(browsers.map((browser) => browser.close()));
        }
        cells.push(summarizeCell(id, tabs, results, arrangement));
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
    `Steady state measured in the first ${options.steadyReps} repetition(s) per cell that agreed on a leader, over ${options.steadyMs / 1000} s.`,
    ...(options.fabricReps !== options.reps
      ? [
          `The Fabric-timings contender ran ${options.fabricReps} repetitions (the others ${options.reps}) to bound the run time.`,
        ]
      : []),
    'Graceful failover starts when the closing leader page starts to go away (its first beforeunload/pagehide listener, relayed by the other tabs); "from page.close()" adds the browser\'s own delay. Crash failover starts in Node just before CDP Page.crash. Agreement times come from the pages (performance.timeOrigin + now()).',
    ...(options.arrangements.includes('cross')
      ? [
          'Two browsers: the tabs alternate between two Chromium processes (one context each); links between the halves are WebRTC. Conclave with its defaults only. At 2 tabs the closing leader has no tab in its browser to relay its beforeunload, so graceful failover counts from page.close(), and the network cut is skipped (one tab is left after the crash).',
          'Crash failover "when only heartbeats tell": the leader and every other tab drop what arrives from each other (the page\'s fault injection, deafTo) while links and signaling stay up; timed from Node before the first tab applies it.',
        ]
      : []),
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
    contenders: series,
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
    options.arrangements.length === 2 &&
    options.reps >= 5;
  const stem = `${resultsDir}/${date}${full ? '' : options.quick ? '-quick' : '-partial'}`;
  await mkdir(resultsDir, { recursive: true });
  await writeFile(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${stem}.svg`, renderChart(report));
  await writeFile(`${stem}.md`, `${markdownTable(report)}\n\n${markdownGoals(report)}\n`);
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
