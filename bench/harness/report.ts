import type { ContenderId } from './contenders';
import { type GoalCheck, goalTabs } from './goals';
import type { Arrangement } from './options';
import {
  type Cell,
  figureLabels,
  findCell,
  type LatencyFigure,
  latencyFigures,
  type Ratios,
  type SteadyFigure,
  steadyFigures,
} from './results';
import type { SourceInfo } from './source-snapshot';
import type { Summary } from './stats';

/** One column of the results: a contender in one arrangement. */
export interface Series {
  readonly id: ContenderId;
  readonly arrangement: Arrangement;
  readonly label: string;
  readonly reps: number;
}

/** Everything one run produced: what is written as JSON. */
export interface BenchReport {
  readonly date: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: {
    readonly cpus: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly browser: string;
    /** 1-minute load average at the start and end of the run: other work on the machine skews the numbers. */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly source: SourceInfo;
  readonly options: Readonly<Record<string, unknown>>;
  /** The columns, in order: the same-context contenders, then the cross-browser arrangement. */
  readonly contenders: readonly Series[];
  readonly cells: readonly Cell[];
  readonly ratios: readonly Ratios[];
  readonly goals: readonly GoalCheck[];
  readonly notes: readonly string[];
}

function formatNumber(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return String(Math.round(value));
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatSummary(summary: Summary): string {
  if (summary.median === undefined) {
    return summary.timeouts > 0 ? `timeout×${summary.timeouts}` : '–';
  }
  const range = summary.n > 1 ? ` (${formatNumber(summary.min!)}–${formatNumber(summary.max!)})` : '';
  const timeouts = summary.timeouts > 0 ? ` +timeout×${summary.timeouts}` : '';
  return `${formatNumber(summary.median)}${range}${timeouts}`;
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? '–' : `${formatNumber(value)}×`;
}

function cellText(cell: Cell | undefined, figure: LatencyFigure | SteadyFigure): string {
  if (!cell) return '–';
  if ((latencyFigures as readonly string[]).includes(figure))
    return formatSummary(cell.latency[figure as LatencyFigure]);
  const value = cell.steady?.[figure as SteadyFigure];
  if (value === undefined) return '–';
  return figure === 'senders' ? `${value} of ${cell.tabs}` : formatNumber(value);
}

/** The result table as rows of cells (header first); a figure no column measured is left out. */
export function tableRows(report: BenchReport): string[][] {
  const header = [
    'figure',
    'tabs',
    ...report.contenders.map((c) => c.label),
    'Conclave / bc',
    'Conclave / Fabric',
  ];
  const rows = [header];
  const tabs = [...new Set(report.cells.map((cell) => cell.tabs))].sort((a, b) => a - b);
  for (const figure of [...latencyFigures, ...steadyFigures]) {
    for (const count of tabs) {
      const ratio = report.ratios.find((r) => r.figure === figure && r.tabs === count);
      const values = report.contenders.map((c) =>
        cellText(findCell(report.cells, c.id, count, c.arrangement), figure),
      );
      if (values.every((text) => text === '–')) continue;
      rows.push([
        figureLabels[figure],
        String(count),
        ...values,
        formatRatio(ratio?.conclaveOverBroadcastChannel),
        formatRatio(ratio?.conclaveOverFabric),
      ]);
    }
  }
  return rows;
}

/** A plain-text table for the terminal. */
export function textTable(report: BenchReport): string {
  const rows = tableRows(report);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((text, column) => text.padEnd(widths[column]!)).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

/** The same table in Markdown (for the README). */
export function markdownTable(report: BenchReport): string {
  const rows = tableRows(report);
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  return [line(rows[0]!), line(rows[0]!.map(() => '---')), ...rows.slice(1).map(line)].join('\n');
}

const arrangementNames: Readonly<Record<Arrangement, string>> = {
  same: 'same browser',
  cross: 'two browsers',
  hosts: 'two hosts',
};

function verdict(goal: GoalCheck): string {
  return goal.met === undefined ? 'n/a' : goal.met ? 'MET' : 'MISS';
}

/** A goal's median: a number, or 'timeout' when most repetitions timed out. */
function goalNumber(value: number): string {
  return Number.isFinite(value) ? formatNumber(value) : 'timeout';
}

function measuredText(goal: GoalCheck): string {
  if (goal.measured === undefined) return 'no data';
  if (!goal.relative) return goalNumber(goal.measured);
  const { broadcastChannel } = goal.relative;
  if (broadcastChannel === undefined)
    return `Conclave ${goalNumber(goal.measured)}, broadcast-channel no data`;
  const quotient = goal.measured / broadcastChannel;
  const times = Number.isFinite(quotient) ? ` (${formatNumber(quotient)}×)` : '';
  return `Conclave ${goalNumber(goal.measured)} vs broadcast-channel ${goalNumber(broadcastChannel)}${times}`;
}

/** One line per goal: verdict, issue, arrangement, goal, what was measured. */
export function goalLines(report: BenchReport): string[] {
  return report.goals.map(
    (goal) =>
      `${verdict(goal).padEnd(4)} [issue ${goal.issue}, ${arrangementNames[goal.arrangement]}] ${goal.goal}: ${measuredText(goal)}`,
  );
}

/** The goals as a Markdown table (kept in the .md beside the figures). */
export function markdownGoals(report: BenchReport): string {
  return [
    `| goal (${goalTabs} tabs, medians, Conclave defaults) | issue | arrangement | measured | verdict |`,
    '| --- | --- | --- | --- | --- |',
    ...report.goals.map(
      (goal) =>
        `| ${goal.goal} | ${goal.issue} | ${arrangementNames[goal.arrangement]} | ${measuredText(goal)} | ${verdict(goal)} |`,
    ),
  ].join('\n');
}

/** The summary printed at the end of a run. */
export function printableReport(report: BenchReport): string {
  return [
    `Conclave bench ${report.startedAt} (${Math.round(report.durationSeconds)} s; ${report.machine.cpus} cores, ${report.machine.browser}; ` +
      `load average ${report.machine.loadAverage.start.toFixed(1)} at start, ${report.machine.loadAverage.end.toFixed(1)} at end)`,
    `Code: ${report.source.ref} at ${report.source.commit.slice(0, 10)}${report.source.dirty ? ' + uncommitted changes' : ''}`,
    `Medians (min–max) over repetitions: ${report.contenders.map((c) => `${c.label} ×${c.reps}`).join(', ')}`,
    'Ratios compare Conclave with the others in one browser (the same-context arrangement).',
    '',
    textTable(report),
    '',
    `Goals (${goalTabs} tabs, medians, Conclave defaults):`,
    ...goalLines(report).map((text) => `  ${text}`),
    ...(report.notes.length > 0 ? ['', 'Notes:', ...report.notes.map((note) => `  - ${note}`)] : []),
  ].join('\n');
}
