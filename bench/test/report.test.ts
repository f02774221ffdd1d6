import { describe, expect, it } from 'vitest';
import { renderChart } from '../harness/chart';
import type { BenchReport } from '../harness/report';
import { goalLines, markdownTable, textTable } from '../harness/report';
import { type Cell, checkGoals, computeRatios, summarizeCell } from '../harness/results';
import type { RepetitionResult } from '../harness/scenarios';
import type { Sample } from '../harness/stats';

function repetition(rep: number, ms: Sample): RepetitionResult {
  return {
    rep,
    room: `room-${rep}`,
    meshMs: 1000,
    firstLeaderMs: ms,
    firstLeaderRawMs: typeof ms === 'number' ? ms : undefined,
    leaderFromStartMs: 1000,
    gracefulMs: ms,
    gracefulFromCloseMs: ms,
    gracefulDetail: undefined,
    newcomerMs: ms,
    crashMs: ms,
    steady: undefined,
    problems: [],
    trace: undefined,
  };
}

function report(cells: Cell[]): BenchReport {
  return {
    date: '2026-01-01',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 1,
    machine: { cpus: 2, memoryGiB: 24, node: 'v20', browser: 'Chromium', loadAverage: { start: 0, end: 0 } },
    source: { ref: 'HEAD', commit: '0123456789abcdef', dirty: false },
    options: {},
    contenders: [
      { id: 'conclave', label: 'Conclave (defaults)', reps: 2 },
      { id: 'bc', label: 'broadcast-channel', reps: 2 },
    ],
    cells,
    ratios: computeRatios(cells, [8]),
    goals: checkGoals(cells),
    notes: [],
  };
}

describe('report', () => {
  const cells = [
    summarizeCell('conclave', 8, [repetition(1, 80), repetition(2, 'timeout')]),
    summarizeCell('bc', 8, [repetition(1, 40), repetition(2, 40)]),
  ];

  it('shows medians, counts timeouts and divides Conclave by broadcast-channel', () => {
    const table = textTable(report(cells));
    const graceful = table.split('\n').find((line) => line.startsWith('graceful failover (ms)'));
    expect(graceful).toContain('80.0 +timeout×1');
    expect(graceful).toContain('2.00×');
    expect(markdownTable(report(cells))).toContain('| graceful failover (ms) | 8 | 80.0 +timeout×1 |');
  });

  it('checks the goals of issue 5 against the 8-tab Conclave medians', () => {
    const lines = goalLines(report(cells));
    expect(lines).toContain('MET  graceful failover median ≤ 100 ms: measured 80.0');
    expect(lines.some((line) => line.startsWith('n/a  only the leader sends'))).toBe(true);
  });

  it('draws one bar per contender and figure with a median, and marks timeouts', () => {
    const svg = renderChart(report(cells));
    expect(svg.startsWith('<svg')).toBe(true);
    // 4 latency panels × 2 contenders with a median; the steady panel has no data.
    expect(svg.match(/fill="#[0-9a-f]{6}"><title>/g)?.length).toBe(8);
    expect(svg.match(/stroke-dasharray="3 2"/g)?.length).toBe(4);
  });
});
