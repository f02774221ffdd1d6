import { describe, expect, it } from 'vitest';
import { renderChart } from '../harness/chart';
import { checkGoals } from '../harness/goals';
import type { BenchReport } from '../harness/report';
import { goalLines, markdownGoals, markdownTable, tableRows, textTable } from '../harness/report';
import { type Cell, computeRatios, summarizeCell } from '../harness/results';
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
    newcomerFromNavigationMs: ms,
    crashMs: ms,
    cutMs: 'skipped',
    steady: undefined,
    problems: [],
    trace: undefined,
  };
}

const sameSeries: BenchReport['contenders'] = [
  { id: 'conclave', arrangement: 'same', label: 'Conclave (defaults)', reps: 2 },
  { id: 'bc', arrangement: 'same', label: 'broadcast-channel', reps: 2 },
];

function report(cells: Cell[], contenders = sameSeries): BenchReport {
  return {
    date: '2026-01-01',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 1,
    machine: { cpus: 2, memoryGiB: 24, node: 'v20', browser: 'Chromium', loadAverage: { start: 0, end: 0 } },
    source: { ref: 'HEAD', commit: '0123456789abcdef', dirty: false },
    options: {},
    contenders,
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

  it('prints every goal with its verdict, issue and arrangement, and keeps them in the Markdown', () => {
    const lines = goalLines(report(cells));
    // Conclave's repetitions: 80 ms and a timeout, so its goal median is a timeout (the table shows 80 +timeout).
    expect(lines).toContain('MISS [issue 5, same browser] graceful failover ≤ 100 ms: timeout');
    expect(lines).toContain(
      'MISS [issue 10, same browser] graceful failover ≤ 1.0× broadcast-channel: Conclave timeout vs broadcast-channel 40.0',
    );
    // No cross-browser cell in this run: no verdict rather than a made-up one.
    expect(lines).toContain('n/a  [issue 10, two browsers] graceful failover ≤ 100 ms: no data');
    expect(lines.some((line) => line.startsWith('n/a  [issue 5, same browser] only the leader sends'))).toBe(
      true,
    );
    const fast = [summarizeCell('conclave', 8, [repetition(1, 80)]), cells[1]!];
    expect(goalLines(report(fast))).toContain(
      'MET  [issue 5, same browser] graceful failover ≤ 100 ms: 80.0',
    );
    expect(markdownGoals(report(fast))).toContain(
      '| graceful failover ≤ 1.0× broadcast-channel | 10 | same browser | Conclave 80.0 vs broadcast-channel 40.0 (2.00×) | MISS |',
    );
  });

  it('draws one bar per contender and figure with a median, and marks timeouts', () => {
    const svg = renderChart(report(cells));
    expect(svg.startsWith('<svg')).toBe(true);
    // 4 latency panels × 2 contenders with a median; the steady panel has no data.
    expect(svg.match(/fill="#[0-9a-f]{6}"><title>/g)?.length).toBe(8);
    expect(svg.match(/stroke-dasharray="3 2"/g)?.length).toBe(4);
  });

  describe('with the cross-browser arrangement', () => {
    const cross = summarizeCell('conclave', 8, [{ ...repetition(1, 250), cutMs: 1200 }], 'cross');
    const withCross = report(
      [...cells, cross],
      [...sameSeries, { id: 'conclave', arrangement: 'cross', label: 'Conclave, two browsers', reps: 1 }],
    );

    it('gives it its own column, keeps its figures out of the same-browser columns, and adds the cut row', () => {
      const [header, ...rows] = tableRows(withCross);
      expect(header).toEqual([
        'figure',
        'tabs',
        'Conclave (defaults)',
        'broadcast-channel',
        'Conclave, two browsers',
        'Conclave / bc',
        'Conclave / Fabric',
      ]);
      const row = (label: string) => rows.find((r) => r[0] === label);
      expect(row('graceful failover (ms)')).toEqual([
        'graceful failover (ms)',
        '8',
        '80.0 +timeout×1',
        '40.0 (40.0–40.0)',
        '250',
        '2.00×',
        '–',
      ]);
      expect(row('crash failover, heartbeats only (ms)')?.slice(2, 5)).toEqual(['–', '–', '1200']);
      // Without the cross-browser arrangement no column measured the cut: no empty row.
      expect(tableRows(report(cells)).some((r) => r[0] === 'crash failover, heartbeats only (ms)')).toBe(
        false,
      );
    });

    it('judges the two-browser goals on its cell', () => {
      const lines = goalLines(withCross);
      expect(lines).toContain('MISS [issue 10, two browsers] graceful failover ≤ 100 ms: 250');
      expect(lines).toContain(
        'MET  [issue 10, two browsers] crash failover when only heartbeats tell (network cut) ≤ 1500 ms: 1200',
      );
    });

    it('draws a network-cut panel and a bar for the cross-browser column', () => {
      const svg = renderChart(withCross);
      expect(svg).toContain('crash failover, heartbeats only</text>');
      expect(svg).toContain('<title>Conclave, two browsers, 8 tabs: 1.2s</title>');
    });
  });
});
