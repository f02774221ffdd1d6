import type { ContenderId } from './contenders';
import type { Arrangement } from './options';
import { type Cell, findCell, type LatencyFigure, latencyFigures, type SteadyFigure } from './results';
import { median } from './stats';

/** The room size every goal is judged at. */
export const goalTabs = 8;

/** One goal checked against a run: MET, MISS, or undefined when the run has no figure for it. */
export interface GoalCheck {
  /** Which issue set the goal. */
  readonly issue: 5 | 10;
  readonly arrangement: Arrangement;
  readonly goal: string;
  /**
   * Conclave's (defaults) median at {@link goalTabs} tabs: ms, a count, or % of a core for CPU. A repetition
   * that timed out counts as infinitely slow, so a median that is a timeout is Infinity (a MISS).
   */
  readonly measured: number | undefined;
  /** For goals relative to broadcast-channel: its median in the same run, and the allowed factor. */
  readonly relative?: { readonly broadcastChannel: number | undefined; readonly factor: number };
  readonly met: boolean | undefined;
}

/** The median a goal is judged on: timeouts count as Infinity (unlike the table, which shows them apart). */
function goalValue(
  cells: readonly Cell[],
  contender: ContenderId,
  figure: LatencyFigure | SteadyFigure,
  arrangement: Arrangement,
): number | undefined {
  const cell = findCell(cells, contender, goalTabs, arrangement);
  if (!cell) return undefined;
  if (!(latencyFigures as readonly string[]).includes(figure)) return cell.steady?.[figure as SteadyFigure];
  return median(
    cell.repetitions.flatMap((rep) => {
      const sample = rep[figure as LatencyFigure];
      return sample === 'skipped' ? [] : [sample === 'timeout' ? Number.POSITIVE_INFINITY : sample];
    }),
  );
}

function conclave(cells: readonly Cell[], figure: LatencyFigure | SteadyFigure, arrangement: Arrangement) {
  return goalValue(cells, 'conclave', figure, arrangement);
}

function atMost(
  cells: readonly Cell[],
  issue: 5 | 10,
  arrangement: Arrangement,
  figure: LatencyFigure | SteadyFigure,
  goal: string,
  bound: number,
): GoalCheck {
  const measured = conclave(cells, figure, arrangement);
  return { issue, arrangement, goal, measured, met: measured === undefined ? undefined : measured <= bound };
}

/**
 * Conclave's median at most `factor` × broadcast-channel's, both in one browser and the same run. Judged on the
 * medians themselves (not their ratio), so a 0 ms broadcast-channel median still gives a verdict.
 */
function notSlowerThanBroadcastChannel(
  cells: readonly Cell[],
  figure: LatencyFigure | SteadyFigure,
  goal: string,
  factor: number,
): GoalCheck {
  const measured = conclave(cells, figure, 'same');
  const broadcastChannel = goalValue(cells, 'bc', figure, 'same');
  return {
    issue: 10,
    arrangement: 'same',
    goal,
    measured,
    relative: { broadcastChannel, factor },
    met:
      measured === undefined || broadcastChannel === undefined
        ? undefined
        : measured <= factor * broadcastChannel,
  };
}

/**
 * Every goal at 8 tabs, medians, Conclave with its defaults. Issue 10: in one browser, at least as fast as
 * broadcast-channel in the same run (CPU within 1.5×); across two browsers and two hosts, absolute bounds on
 * failover.
 * Issue 5's absolute bounds in one browser stay as a floor.
 */
export function checkGoals(cells: readonly Cell[]): GoalCheck[] {
  return [
    notSlowerThanBroadcastChannel(
      cells,
      'leaderFromStartMs',
      'navigation → agreed leader ≤ 1.0× broadcast-channel',
      1,
    ),
    notSlowerThanBroadcastChannel(cells, 'gracefulMs', 'graceful failover ≤ 1.0× broadcast-channel', 1),
    notSlowerThanBroadcastChannel(cells, 'crashMs', 'crash failover ≤ 1.0× broadcast-channel', 1),
    notSlowerThanBroadcastChannel(cells, 'newcomerMs', 'newcomer ≤ 1.0× broadcast-channel', 1),
    notSlowerThanBroadcastChannel(
      cells,
      'cpuPercent',
      'steady-state browser CPU ≤ 1.5× broadcast-channel',
      1.5,
    ),
    atMost(cells, 10, 'cross', 'gracefulMs', 'graceful failover ≤ 100 ms', 100),
    atMost(cells, 10, 'cross', 'crashMs', 'crash failover when signaling sees the disconnect ≤ 300 ms', 300),
    atMost(
      cells,
      10,
      'cross',
      'cutMs',
      'crash failover when only heartbeats tell (network cut) ≤ 1500 ms',
      1500,
    ),
    // Two hosts: the same issue-10 bounds, for a real failure. A killed browser's sockets close, so signaling
    // sees it; a host whose link goes down says nothing, so only heartbeats can tell.
    atMost(
      cells,
      10,
      'hosts',
      'crashMs',
      "crash failover when signaling sees the disconnect (leader host's browser killed) ≤ 300 ms",
      300,
    ),
    atMost(
      cells,
      10,
      'hosts',
      'cutMs',
      "crash failover when only heartbeats tell (leader host's link down) ≤ 1500 ms",
      1500,
    ),
    atMost(cells, 5, 'same', 'gracefulMs', 'graceful failover ≤ 100 ms', 100),
    atMost(cells, 5, 'same', 'crashMs', 'crash failover ≤ 1500 ms', 1500),
    atMost(cells, 5, 'same', 'newcomerMs', 'newcomer ≤ 300 ms', 300),
    atMost(cells, 5, 'same', 'firstLeaderMs', 'first leader ≤ 1500 ms', 1500),
    atMost(cells, 5, 'same', 'senders', 'only the leader sends in steady state (tabs sending ≤ 1)', 1),
  ];
}
