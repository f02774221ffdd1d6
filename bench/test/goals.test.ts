import { describe, expect, it } from 'vitest';
import { checkGoals, type GoalCheck } from '../harness/goals';
import type { Arrangement } from '../harness/options';
import { type Cell, summarizeCell } from '../harness/results';
import type { RepetitionResult } from '../harness/scenarios';
import type { Sample } from '../harness/stats';
import type { SteadyResult } from '../harness/steady-state';

type Figures = Partial<
  Pick<
    RepetitionResult,
    'leaderFromStartMs' | 'firstLeaderMs' | 'gracefulMs' | 'crashMs' | 'cutMs' | 'newcomerMs'
  >
>;

const rate = { messagesPerSecond: 0, bytesPerSecond: 0 };

function steady(cpuPercent: number, senders: number): SteadyResult {
  return {
    windowMs: 5000,
    tabs: 8,
    perTab: rate,
    leader: rate,
    followerMax: rate,
    senders,
    signalingPerTab: rate,
    benchStatusPerTab: rate,
    cpuPercent,
    pssMiB: 300,
    browserProcesses: 10,
    leaderChanges: 0,
  };
}

function repetition(rep: number, figures: Figures, cpu?: number): RepetitionResult {
  const skipped: Sample = 'skipped';
  return {
    rep,
    room: `room-${rep}`,
    meshMs: 500,
    firstLeaderMs: skipped,
    firstLeaderRawMs: undefined,
    leaderFromStartMs: skipped,
    gracefulMs: skipped,
    gracefulFromCloseMs: skipped,
    gracefulDetail: undefined,
    newcomerMs: skipped,
    newcomerFromNavigationMs: skipped,
    crashMs: skipped,
    cutMs: skipped,
    steady: cpu === undefined ? undefined : steady(cpu, 1),
    ...figures,
    problems: [],
    trace: undefined,
  };
}

function cell(
  contender: Cell['contender'],
  arrangement: Arrangement,
  figures: Figures,
  cpu?: number,
  tabs = 8,
): Cell {
  return summarizeCell(contender, tabs, [repetition(1, figures, cpu)], arrangement);
}

function find(
  goals: readonly GoalCheck[],
  issue: 5 | 10,
  arrangement: Arrangement,
  prefix: string,
): GoalCheck {
  const found = goals.filter(
    (goal) => goal.issue === issue && goal.arrangement === arrangement && goal.goal.startsWith(prefix),
  );
  expect(found, `one goal "${prefix}" (issue ${issue}, ${arrangement})`).toHaveLength(1);
  return found[0]!;
}

const sameFigures: Figures = { leaderFromStartMs: 600, gracefulMs: 60, crashMs: 90, newcomerMs: 30 };

describe('checkGoals: one browser, relative to broadcast-channel', () => {
  it('is MET when Conclave equals broadcast-channel (the bound is inclusive) and MISSED just above', () => {
    const bc = cell('bc', 'same', sameFigures, 2);
    const equal = checkGoals([cell('conclave', 'same', sameFigures, 3), bc]);
    for (const prefix of ['navigation', 'graceful failover', 'crash failover', 'newcomer', 'steady-state'])
      expect(find(equal, 10, 'same', prefix).met, prefix).toBe(true);

    const slower = checkGoals([
      cell('conclave', 'same', { leaderFromStartMs: 601, gracefulMs: 61, crashMs: 91, newcomerMs: 31 }, 3.01),
      bc,
    ]);
    for (const prefix of ['navigation', 'graceful failover', 'crash failover', 'newcomer', 'steady-state'])
      expect(find(slower, 10, 'same', prefix).met, prefix).toBe(false);
  });

  it('allows CPU up to 1.5× but latencies only 1.0×', () => {
    const goals = checkGoals([
      cell('conclave', 'same', { ...sameFigures, gracefulMs: 75 }, 3),
      cell('bc', 'same', sameFigures, 2),
    ]);
    expect(find(goals, 10, 'same', 'steady-state browser CPU').met).toBe(true);
    expect(find(goals, 10, 'same', 'graceful failover').met).toBe(false);
    expect(find(goals, 10, 'same', 'graceful failover').relative).toEqual({
      broadcastChannel: 60,
      factor: 1,
    });
  });

  it('judges the medians themselves, so a 0 ms broadcast-channel median still gives a verdict', () => {
    const bc = cell('bc', 'same', { newcomerMs: 0 });
    expect(
      find(checkGoals([cell('conclave', 'same', { newcomerMs: 0 }), bc]), 10, 'same', 'newcomer').met,
    ).toBe(true);
    expect(
      find(checkGoals([cell('conclave', 'same', { newcomerMs: 1 }), bc]), 10, 'same', 'newcomer').met,
    ).toBe(false);
  });

  it('compares the 8-tab cells only, and only Conclave with its defaults', () => {
    const goals = checkGoals([
      cell('conclave', 'same', sameFigures, 2),
      cell('bc', 'same', sameFigures, 2),
      // Far slower at 2 tabs and with Fabric's timings: neither may decide an 8-tab goal.
      cell('conclave', 'same', { gracefulMs: 5000 }, 50, 2),
      cell('fabric', 'same', { gracefulMs: 5000 }, 50),
    ]);
    expect(find(goals, 10, 'same', 'graceful failover').met).toBe(true);
  });

  it('has no verdict without broadcast-channel in the run', () => {
    const goals = checkGoals([cell('conclave', 'same', sameFigures, 2)]);
    expect(find(goals, 10, 'same', 'graceful failover')).toMatchObject({ measured: 60, met: undefined });
  });
});

describe('checkGoals: two browsers, absolute bounds', () => {
  const same = cell('conclave', 'same', { gracefulMs: 10, crashMs: 10, cutMs: 10 });

  it('judges the cross-browser cell, not the same-browser one', () => {
    const goals = checkGoals([
      same,
      cell('conclave', 'cross', { gracefulMs: 101, crashMs: 301, cutMs: 1501 }),
    ]);
    expect(find(goals, 10, 'cross', 'graceful failover ≤ 100 ms')).toMatchObject({
      measured: 101,
      met: false,
    });
    expect(find(goals, 10, 'cross', 'crash failover when signaling')).toMatchObject({
      measured: 301,
      met: false,
    });
    expect(find(goals, 10, 'cross', 'crash failover when only heartbeats')).toMatchObject({
      measured: 1501,
      met: false,
    });
  });

  it('is MET at the bounds: 100 ms graceful, 300 ms crash, 1.5 s network cut', () => {
    const goals = checkGoals([cell('conclave', 'cross', { gracefulMs: 100, crashMs: 300, cutMs: 1500 })]);
    expect(goals.filter((goal) => goal.arrangement === 'cross').map((goal) => goal.met)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('counts a timed-out repetition as a miss, not as a missing number', () => {
    const cross = summarizeCell(
      'conclave',
      8,
      [
        repetition(1, { cutMs: 900 }),
        repetition(2, { cutMs: 'timeout' }),
        repetition(3, { cutMs: 'timeout' }),
      ],
      'cross',
    );
    expect(find(checkGoals([cross]), 10, 'cross', 'crash failover when only heartbeats').met).toBe(false);
  });

  it('has no verdict when the run had no cross-browser arrangement', () => {
    const goals = checkGoals([same]);
    expect(goals.filter((goal) => goal.arrangement === 'cross').map((goal) => goal.met)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('checkGoals: two hosts, the same absolute bounds', () => {
  it('judges the two-host cell apart from the two-browser one: kill ≤ 300 ms, link down ≤ 1.5 s', () => {
    const goals = checkGoals([
      cell('conclave', 'cross', { crashMs: 100, cutMs: 1000 }),
      cell('conclave', 'hosts', { crashMs: 301, cutMs: 1500 }),
    ]);
    expect(find(goals, 10, 'hosts', 'crash failover when signaling')).toMatchObject({
      measured: 301,
      met: false,
    });
    expect(find(goals, 10, 'hosts', 'crash failover when only heartbeats')).toMatchObject({
      measured: 1500,
      met: true,
    });
    expect(find(goals, 10, 'cross', 'crash failover when signaling').met).toBe(true);
  });

  it('has no verdict when the test hosts were skipped', () => {
    const goals = checkGoals([cell('conclave', 'cross', { crashMs: 100, cutMs: 1000 })]);
    expect(goals.filter((goal) => goal.arrangement === 'hosts').map((goal) => goal.met)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
