import type { ContenderId } from './contenders';
import type { RepetitionResult } from './scenarios';
import { median, ratio, type Summary, summarize } from './stats';

/** The latency figures, in the order they are reported. */
export const latencyFigures = [
  'firstLeaderMs',
  'gracefulMs',
  'gracefulFromCloseMs',
  'crashMs',
  'newcomerMs',
  'meshMs',
  'leaderFromStartMs',
] as const;
export type LatencyFigure = (typeof latencyFigures)[number];

export const figureLabels: Readonly<Record<LatencyFigure | SteadyFigure, string>> = {
  firstLeaderMs: 'first leader (ms)',
  gracefulMs: 'graceful failover (ms)',
  gracefulFromCloseMs: 'graceful, from page.close() (ms)',
  crashMs: 'crash failover (ms)',
  newcomerMs: 'newcomer (ms)',
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

/** All repetitions of one contender at one room size, and their summaries. */
export interface Cell {
  readonly contender: ContenderId;
  readonly tabs: number;
  readonly latency: Readonly<Record<LatencyFigure, Summary>>;
  /** Medians over the repetitions that measured steady state; undefined when none did. */
  readonly steady: Readonly<Record<SteadyFigure, number>> | undefined;
  readonly repetitions: readonly Omit<RepetitionResult, 'trace'>[];
}

/** Summarizes the repetitions of one contender and room size. */
export function summarizeCell(contender: ContenderId, tabs: number, reps: readonly RepetitionResult[]): Cell {
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

export interface Ratios {
  readonly tabs: number;
  readonly figure: LatencyFigure | SteadyFigure;
  /** Conclave (defaults) / broadcast-channel. */
  readonly conclaveOverBroadcastChannel: number | undefined;
  /** Conclave (defaults) / Conclave with Fabric timings. */
  readonly conclaveOverFabric: number | undefined;
}

export function findCell(cells: readonly Cell[], contender: ContenderId, tabs: number): Cell | undefined {
  return cells.find((cell) => cell.contender === contender && cell.tabs === tabs);
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

/** The goals of issue 5 (8 tabs, Conclave defaults), checked against a run. */
export interface GoalCheck {
  readonly goal: string;
  readonly measured: number | undefined;
  readonly met: boolean | undefined;
}

export function checkGoals(cells: readonly Cell[]): GoalCheck[] {
  const cell = findCell(cells, 'conclave', 8);
  const atMost = (goal: string, measured: number | undefined, bound: number): GoalCheck => ({
    goal,
    measured,
    met: measured === undefined ? undefined : measured <= bound,
  });
  return [
    atMost('graceful failover median ≤ 100 ms', cell?.latency.gracefulMs.median, 100),
    atMost('crash failover median ≤ 1500 ms', cell?.latency.crashMs.median, 1500),
    atMost('newcomer median ≤ 300 ms', cell?.latency.newcomerMs.median, 300),
    atMost('first leader median ≤ 1500 ms', cell?.latency.firstLeaderMs.median, 1500),
    atMost('only the leader sends in steady state (tabs sending ≤ 1)', cell?.steady?.senders, 1),
  ];
}
