import type { ContenderId } from './contenders';
import type { Arrangement } from './options';
import type { RepetitionResult } from './scenarios';
import { median, ratio, type Summary, summarize } from './stats';

/** The latency figures, in the order they are reported. */
export const latencyFigures = [
  'firstLeaderMs',
  'gracefulMs',
  'gracefulFromCloseMs',
  'crashMs',
  'cutMs',
  'newcomerMs',
  'newcomerFromNavigationMs',
  'meshMs',
  'leaderFromStartMs',
] as const;
export type LatencyFigure = (typeof latencyFigures)[number];

export const figureLabels: Readonly<Record<LatencyFigure | SteadyFigure, string>> = {
  firstLeaderMs: 'first leader (ms)',
  gracefulMs: 'graceful failover (ms)',
  gracefulFromCloseMs: 'graceful, from page.close() (ms)',
  crashMs: 'crash failover (ms)',
  cutMs: 'crash failover, heartbeats only (ms)',
  newcomerMs: 'newcomer (ms)',
  newcomerFromNavigationMs: 'newcomer, from its navigation (ms)',
  meshMs: 'mesh formed / tabs loaded (ms)',
  leaderFromStartMs: 'navigation → agreed leader (ms)',
  messagesPerSecond: 'steady: msg/s per tab',
  bytesPerSecond: 'steady: bytes/s per tab',
  leaderMessagesPerSecond: 'steady: leader msg/s',
  followerMaxMessagesPerSecond: 'steady: busiest follower msg/s',
  senders: 'steady: tabs sending',
  cpuPercent: 'browser CPU (% of a core)',
  pssMiB: 'browser memory (PSS MiB)',
};

export const steadyFigures = [
  'messagesPerSecond',
  'bytesPerSecond',
  'leaderMessagesPerSecond',
  'followerMaxMessagesPerSecond',
  'senders',
  'cpuPercent',
  'pssMiB',
] as const;
export type SteadyFigure = (typeof steadyFigures)[number];

/** All repetitions of one contender at one room size in one arrangement, and their summaries. */
export interface Cell {
  readonly contender: ContenderId;
  readonly arrangement: Arrangement;
  readonly tabs: number;
  readonly latency: Readonly<Record<LatencyFigure, Summary>>;
  /** Medians over the repetitions that measured steady state; undefined when none did. */
  readonly steady: Readonly<Record<SteadyFigure, number>> | undefined;
  readonly repetitions: readonly Omit<RepetitionResult, 'trace'>[];
}

/** Summarizes the repetitions of one contender, room size and arrangement. */
export function summarizeCell(
  contender: ContenderId,
  tabs: number,
  reps: readonly RepetitionResult[],
  arrangement: Arrangement = 'same',
): Cell {
  const latency = Object.fromEntries(
    latencyFigures.map((figure) => [figure, summarize(reps.map((rep) => rep[figure]))]),
  ) as Record<LatencyFigure, Summary>;
  const measured = reps.flatMap((rep) => (rep.steady ? [rep.steady] : []));
  const steady =
    measured.length === 0
      ? undefined
      : {
          messagesPerSecond: median(measured.map((s) => s.perTab.messagesPerSecond))!,
          bytesPerSecond: median(measured.map((s) => s.perTab.bytesPerSecond))!,
          leaderMessagesPerSecond: median(measured.map((s) => s.leader.messagesPerSecond))!,
          followerMaxMessagesPerSecond: median(measured.map((s) => s.followerMax.messagesPerSecond))!,
          senders: Math.max(...measured.map((s) => s.senders)),
          cpuPercent: median(measured.map((s) => s.cpuPercent))!,
          pssMiB: median(measured.map((s) => s.pssMiB))!,
        };
  return {
    contender,
    arrangement,
    tabs,
    latency,
    steady,
    repetitions: reps.map(({ trace: _trace, ...rest }) => rest),
  };
}

/** The value of a figure in a cell: the median for latencies, the steady-state median otherwise. */
export function figureValue(
  cell: Cell | undefined,
  figure: LatencyFigure | SteadyFigure,
): number | undefined {
  if (!cell) return undefined;
  if ((latencyFigures as readonly string[]).includes(figure))
    return cell.latency[figure as LatencyFigure].median;
  return cell.steady?.[figure as SteadyFigure];
}

/** Conclave against the others in one browser (the same-context arrangement). */
export interface Ratios {
  readonly tabs: number;
  readonly figure: LatencyFigure | SteadyFigure;
  /** Conclave (defaults) / broadcast-channel. */
  readonly conclaveOverBroadcastChannel: number | undefined;
  /** Conclave (defaults) / Conclave with Fabric timings. */
  readonly conclaveOverFabric: number | undefined;
}

export function findCell(
  cells: readonly Cell[],
  contender: ContenderId,
  tabs: number,
  arrangement: Arrangement = 'same',
): Cell | undefined {
  return cells.find(
    (cell) => cell.contender === contender && cell.tabs === tabs && cell.arrangement === arrangement,
  );
}

/** Conclave's medians divided by broadcast-channel's and by the Fabric-timings contender's, per figure and size. */
export function computeRatios(cells: readonly Cell[], tabs: readonly number[]): Ratios[] {
  return tabs.flatMap((count) =>
    [...latencyFigures, ...steadyFigures].map((figure) => {
      const conclave = figureValue(findCell(cells, 'conclave', count), figure);
      return {
        tabs: count,
        figure,
        conclaveOverBroadcastChannel: ratio(conclave, figureValue(findCell(cells, 'bc', count), figure)),
        conclaveOverFabric: ratio(conclave, figureValue(findCell(cells, 'fabric', count), figure)),
      };
    }),
  );
}
