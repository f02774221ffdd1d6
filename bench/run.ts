/**
 * `npm run bench`: election speed in real Chromium tabs, Conclave (defaults and Fabric's timings) side by
 * side with broadcast-channel in one browser, and Conclave with its tabs split over two browsers (WebRTC
 * between them) and over two test hosts (network namespaces: a real link cut, a real browser kill). Prints a table and the goals (MET/MISS), writes bench/results/<date>.json, .md and .svg (and
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
import { hostsBrowserVersion, runHostsRepetition, withTwoHosts } from './harness/two-hosts';

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
  if (options.arrangements.includes('hosts') && options.contenders.includes('conclave')) {
    series.push({ id: 'conclave', arrangement: 'hosts', label: 'Conclave, two hosts', reps: options.reps });
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

  let series = seriesOf(options);
  const cells: Cell[] = [];
  const traces: Record<string, RepetitionTrace> = {};
  let browserVersion = 'unknown';
  let hostsSkipped: string | undefined;
  try {
    for (const { id, arrangement, reps } of series) {
      if (arrangement === 'hosts') continue; // below, with its own network and server
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

  const hostsSeries = series.find((column) => column.arrangement === 'hosts');
  if (hostsSeries) {
    hostsSkipped = await withTwoHosts(staticDir, async ({ network, server: bridgeServer }) => {
      progress(`two hosts on ${network.bridgeAddress}, serving on ${bridgeServer.url}`);
      if (browserVersion === 'unknown') browserVersion = `Chromium ${await hostsBrowserVersion(network)}`;
      for (const tabs of options.tabs) {
        const results: RepetitionResult[] = [];
        for (let rep = 1; rep <= hostsSeries.reps; rep++) {
          results.push(
            await runHostsRepetition(network, bridgeServer.url, {
              contender: contenders.conclave,
              arrangement: 'hosts',
              tabs,
              rep,
              reps: hostsSeries.reps,
              steadyMs: undefined,
              trace: false,
            }),
          );
        }
        cells.push(summarizeCell('conclave', tabs, results, 'hosts'));
      }
    });
    if (hostsSkipped !== undefined) {
      progress(`two hosts skipped: ${hostsSkipped}`);
      series = series.filter((column) => column !== hostsSeries);
    }
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
    ...(hostsSeries && hostsSkipped === undefined
      ? [
          'Two hosts: two network namespaces on a bridge (the e2e test hosts), one Chromium per host with half the tabs (alternating), the signaling server on the bridge address (an insecure origin: no Web Locks, no SubtleCrypto, as on a LAN without TLS). Each repetition launches a fresh browser per host and opens two rooms on them: in the first the leader\'s host link goes down (ip link set down on its bridge-side veth: no TCP close, no goodbye), in the second the leader host\'s browser process is SIGKILLed. Both are timed from Node just before the fault to the other host\'s tabs agreeing on a new leader; they are reported in the rows "crash failover, heartbeats only" (the cut) and "crash failover" (the kill). No graceful failover, newcomer or steady state there.',
        ]
      : []),
    ...(hostsSkipped !== undefined ? [`Two hosts skipped: ${hostsSkipped}.`] : []),
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

  // A full run (the default flags, test hosts available) is <date>.* and becomes latest.*; --quick is
  // <date>-quick.*; anything else (fewer tabs, contenders, arrangements or repetitions) is <date>-partial.*, kept
  // out of git.
  const full =
    !options.quick &&
    options.tabs.join() === '2,8,16' &&
    options.contenders.length === 3 &&
    options.arrangements.length === 3 &&
    hostsSkipped === undefined &&
    options.reps >= 5;
  // A quick run of fewer arrangements (or without test hosts) says which it ran, so it does not replace a
  // complete quick run of the day.
  const allArrangements = options.arrangements.length === 3 && hostsSkipped === undefined;
  const quickSuffix = allArrangements
    ? '-quick'
    : `-quick-${series
        .map((column) => column.arrangement)
        .filter((a, i, all) => all.indexOf(a) === i)
        .join('-')}`;
  const stem = `${resultsDir}/${date}${full ? '' : options.quick ? quickSuffix : '-partial'}`;
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
