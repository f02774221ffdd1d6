import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeSoak } from './analysis';
import type { Distribution } from './analysis-types';
import type { SoakResult, SoakTrace } from './engine';

/** Where `npm run soak` writes its JSON. */
export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value)} ms`);
const row = (cells: readonly string[], widths: readonly number[]) =>
  `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((r) => r[i]!.length)));
  return [
    row(header, widths),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((r) => row(r, widths)),
  ].join('\n');
}

const distributionCells = (d: Distribution) => [String(d.count), ms(d.medianMs), ms(d.p95Ms), ms(d.maxMs)];

/** The soak's figures as Markdown tables. */
export function formatSummary(result: SoakResult): string {
  const { analysis: a, actions } = result;
  const byNewcomers = a.twoLeaders.episodes.filter((episode) => episode.newcomer).length;
  const takeoversByNewcomers = a.takeovers.filter((takeover) => takeover.newcomer).length;
  const lines = [
    `Churn soak: ${result.tabs} tabs, ${(result.durationMs / 60_000).toFixed(1)} min, seed ${result.seed}, ` +
      `observed ${(a.observedMs / 1000).toFixed(1)} s, ${a.lives} tab lives, ${a.reports} reports`,
    '',
    table(
      ['action', 'count', 'on the leader'],
      [
        ['join', String(actions.join), '—'],
        ['leave (close)', String(actions.leave), String(actions.onLeader.leave)],
        ['crash (Page.crash)', String(actions.crash), String(actions.onLeader.crash)],
        ['reload', String(actions.reload), String(actions.onLeader.reload)],
      ],
    ),
    '',
    table(
      ['invariant', 'measured', 'goal'],
      [
        ['two leaders in one component (total)', ms(a.twoLeaders.sameComponentMs), '0 ms'],
        [
          '  episodes (with a self-elected newcomer)',
          `${a.twoLeaders.episodes.length} (${byNewcomers})`,
          '0',
        ],
        ['  longest episode', ms(Math.max(0, ...a.twoLeaders.episodes.map((e) => e.durationMs))), '0 ms'],
        ['two leaders anywhere (incl. unlinked newcomers)', ms(a.twoLeaders.anywhereMs), '—'],
        [
          'tabs that went back or followed two leaders in one term (fencing)',
          String(a.terms.fencingBreaks.length),
          '0',
        ],
        [
          'terms followed under two leaders, across unlinked groups',
          String(a.terms.followedUnderTwoLeaders.length),
          '—',
        ],
        ['terms claimed by two leaders (incl. newcomers)', String(a.terms.claimedByTwoLeaders.length), '—'],
        ['failovers that never ended', String(a.leaderless.unfinished), '0'],
        [
          'takeovers of a live leader (by a self-elected newcomer)',
          `${a.takeovers.length} (${takeoversByNewcomers})`,
          '0',
        ],
        ['leaderships (of self-elected newcomers)', `${a.terms.leaderships} (${a.terms.newcomer})`, '—'],
        ['tabs crashed by another tab’s crash', String(result.collateralCrashes), '0'],
        [
          'room agreed at start / at end',
          `${result.settled.atStart} / ${result.settled.atEnd}`,
          'true / true',
        ],
      ],
    ),
    '',
    table(
      ['leaderless after', 'failovers', 'median', 'p95', 'max'],
      (['crash', 'leave', 'reload', 'none'] as const).map((cause) => [
        cause === 'none' ? 'no action (spontaneous)' : `leader ${cause}`,
        ...distributionCells(a.leaderless.byCause[cause]),
      ]),
    ),
    '',
    table(
      ['all surviving tabs agree after', 'failovers', 'median', 'p95', 'max'],
      (['crash', 'leave', 'reload', 'none'] as const).map((cause) => [
        cause === 'none' ? 'no action (spontaneous)' : `leader ${cause}`,
        ...distributionCells(a.leaderless.agreement[cause]),
      ]),
    ),
  ];
  return lines.join('\n');
}

/** Where the raw reports go (gitignored: tens of MB for a 10-minute soak). */
export const tracesDir = join(dirname(fileURLToPath(import.meta.url)), '../artifacts/soak');

const fileName = (result: SoakResult, suffix: string) =>
  `${result.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}${suffix}`;

/** Writes the result as `results/<date>.json`; returns the path. */
export async function writeResult(result: SoakResult, dir: string = resultsDir): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, fileName(result, '.json'));
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** Writes every tab's reports and the actions, for replaying the analysis; returns the path. */
export async function writeTrace(
  result: SoakResult,
  trace: SoakTrace,
  dir: string = tracesDir,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, fileName(result, '.trace.json'));
  await writeFile(path, JSON.stringify({ result, trace }));
  return path;
}

/** Reads a file {@link writeTrace} wrote and analyzes its reports again (with the current analysis). */
export async function replayTrace(path: string): Promise<SoakResult> {
  const { result, trace } = JSON.parse(await readFile(path, 'utf8')) as {
    result: SoakResult;
    trace: SoakTrace;
  };
  return { ...result, analysis: analyzeSoak(trace.lives, trace.actions, trace.window) };
}
