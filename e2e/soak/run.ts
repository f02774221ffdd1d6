// `npm run soak -- --minutes 10 --tabs 10 --seed 42`: the churn soak against a local signaling server.
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { ensureWebBuild } from '../../scripts/web-build.mjs';
import { chromiumArgs, chromiumPath } from '../support/chromium';
import { startSignaling } from '../support/signaling-fixture';
import { runSoak } from './engine';
import { formatSummary, replayTrace, writeResult, writeTrace } from './summary';

const usage = `Usage: npm run soak -- [--minutes 10] [--tabs 10] [--seed N]
       npm run soak -- --replay e2e/artifacts/soak/<date>.trace.json   (analyze a saved run again)`;

type Options =
  | { readonly replay: string }
  | { readonly durationMs: number; readonly tabs: number; readonly seed: number };

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      tabs: { type: 'string', default: '10' },
      seed: { type: 'string' },
      replay: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (values.replay !== undefined) return { replay: values.replay };
  const minutes = Number(values.minutes);
  const tabs = Number(values.tabs);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const problems = [
    ...(Number.isFinite(minutes) && minutes > 0 && minutes <= 24 * 60
      ? []
      : ['--minutes: a number in (0, 1440]']),
    ...(Number.isInteger(tabs) && tabs >= 2 && tabs <= 32 ? [] : ['--tabs: an integer in [2, 32]']),
    ...(Number.isInteger(seed) && seed >= 0 ? [] : ['--seed: a non-negative integer']),
  ];
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n${usage}`);
    process.exit(2);
  }
  return { durationMs: Math.round(minutes * 60_000), tabs, seed };
}

async function main(): Promise<void> {
  const options = readOptions();
  if ('replay' in options) {
    console.log(formatSummary(await replayTrace(options.replay)));
    return;
  }
  ensureWebBuild();
  const signaling = await startSignaling();
  const executablePath = chromiumPath();
  const browser = await chromium.launch({
    ...(executablePath === undefined ? {} : { executablePath }),
    args: chromiumArgs,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    console.log(`soak: seed ${options.seed} (rerun with --seed ${options.seed})`);
    const { result, trace } = await runSoak({
      context,
      baseUrl: signaling.url,
      room: `soak-${options.seed}`,
      ...options,
      log: (line) => console.log(line),
    });
    console.log(`\n${formatSummary(result)}\n`);
    console.log(`soak: wrote ${await writeResult(result)} (raw reports: ${await writeTrace(result, trace)})`);
    const broken =
      result.analysis.terms.fencingBreaks.length > 0 ||
      result.analysis.leaderless.unfinished > 0 ||
      !result.settled.atEnd;
    if (broken) {
      console.error(
        'soak: an invariant broke (a tab went back to an older term or followed two leaders under one, a failover that never ended, or no agreement at the end)',
      );
      process.exitCode = 1;
    }
  } finally {
    await browser.close();
    await signaling.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
