import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Distribution } from './analysis';
import type { SoakResult } from './engine';

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
        ['  episodes', String(a.twoLeaders.episodes.length), '0'],
        ['  longest episode', ms(Math.max(0, ...a.twoLeaders.episodes.map((e) => e.durationMs))), '0 ms'],
        ['two leaders anywhere (incl. unlinked newcomers)', ms(a.twoLeaders.anywhereMs), '—'],
        ['terms claimed by two leaders', String(a.terms.reusedByLeaders.length), '0'],
        ['terms followed under two leaders', String(a.terms.conflicting.length), '0'],
        ['failovers that never ended', String(a.leaderless.unfinished), '0'],
        ['leader changes nobody caused (takeovers)', String(a.takeovers), '—'],
        ['leaderships (distinct term, leader)', String(a.terms.leaderships), '—'],
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

/** Writes the result as `results/<date>.json`; returns the path. */
export async function writeResult(result: SoakResult, dir: string = resultsDir): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = `${result.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.json`;
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
