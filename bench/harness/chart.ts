import type { BenchReport, Series } from './report';
import { figureLabels, findCell, type LatencyFigure } from './results';

function color(series: Series): string {
  if (series.arrangement === 'cross') return '#7c3aed';
  if (series.arrangement === 'hosts') return '#db2777';
  return { conclave: '#2563eb', fabric: '#d97706', bc: '#059669' }[series.id];
}

/**
 * The absolute goals across two browsers and two hosts (issue 10, 8 tabs), drawn as dashed lines; the same-browser goals are
 * relative to broadcast-channel, whose bars stand beside Conclave's.
 */
const goals: Partial<Record<LatencyFigure, number>> = {
  gracefulMs: 100,
  crashMs: 300,
  cutMs: 1500,
};

const panelWidth = 230;
const panelHeight = 320;
const plotTop = 90;
const plotBottom = plotTop + panelHeight - 90;
const plotLeft = 46;
const plotRight = panelWidth - 10;
const logMin = 0; // 10^0 = 1 ms
const logMax = 5; // 10^5 = 100 s

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function logY(ms: number): number {
  const exponent = Math.log10(Math.min(Math.max(ms, 1), 10 ** logMax));
  return plotBottom - ((exponent - logMin) / (logMax - logMin)) * (plotBottom - plotTop);
}

function shortMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)}s` : `${Math.round(ms)}`;
}

interface Panel {
  readonly title: string;
  readonly y: (value: number) => number;
  readonly ticks: readonly { readonly value: number; readonly label: string }[];
  readonly bar: (
    series: Series,
    tabs: number,
  ) => { median?: number; min?: number; max?: number; timeout: boolean };
  readonly label: (value: number) => string;
  readonly goal?: number;
}

function latencyPanel(report: BenchReport, figure: LatencyFigure): Panel {
  return {
    title: figureLabels[figure].replace(' (ms)', ''),
    y: logY,
    ticks: [1, 10, 100, 1000, 10_000, 100_000].map((value) => ({ value, label: shortMs(value) })),
    bar: (series, tabs) => {
      const summary = findCell(report.cells, series.id, tabs, series.arrangement)?.latency[figure];
      return {
        ...(summary?.median !== undefined
          ? { median: summary.median, min: summary.min!, max: summary.max! }
          : {}),
        timeout: (summary?.timeouts ?? 0) > 0,
      };
    },
    label: shortMs,
    ...(goals[figure] !== undefined ? { goal: goals[figure] } : {}),
  };
}

function messagesPanel(report: BenchReport): Panel {
  const values = report.cells.map((cell) => cell.steady?.messagesPerSecond ?? 0);
  const top = Math.max(1, ...values) * 1.15;
  const y = (value: number) => plotBottom - (value / top) * (plotBottom - plotTop);
  const ticks = [0, top / 3, (2 * top) / 3].map((value) => ({ value, label: value.toFixed(1) }));
  return {
    title: 'steady: msg/s per tab',
    y,
    ticks,
    bar: (series, tabs) => {
      const value = findCell(report.cells, series.id, tabs, series.arrangement)?.steady?.messagesPerSecond;
      return { ...(value !== undefined ? { median: value } : {}), timeout: false };
    },
    label: (value) => value.toFixed(value >= 10 ? 0 : 1),
  };
}

function renderPanel(panel: Panel, report: BenchReport, offsetX: number): string {
  const ids = report.contenders;
  const tabs = [...new Set(report.cells.map((cell) => cell.tabs))].sort((a, b) => a - b);
  const groupWidth = (plotRight - plotLeft) / tabs.length;
  const barWidth = Math.min(18, (groupWidth - 8) / ids.length);
  const parts: string[] = [`<g transform="translate(${offsetX},0)">`];
  parts.push(
    `<text x="${panelWidth / 2}" y="${plotTop - 14}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  for (const tick of panel.ticks) {
    const y = panel.y(tick.value);
    parts.push(`<line x1="${plotLeft}" x2="${plotRight}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    parts.push(
      `<text x="${plotLeft - 4}" y="${y + 4}" text-anchor="end" fill="#6b7280">${escapeXml(tick.label)}</text>`,
    );
  }
  if (panel.goal !== undefined) {
    const y = panel.y(panel.goal);
    parts.push(
      `<line x1="${plotLeft}" x2="${plotRight}" y1="${y}" y2="${y}" stroke="#dc2626" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<text x="${plotLeft + 2}" y="${y - 3}" fill="#dc2626" font-size="10">goal, two browsers (8 tabs)</text>`,
    );
  }
  tabs.forEach((count, groupIndex) => {
    const groupX = plotLeft + groupIndex * groupWidth + (groupWidth - barWidth * ids.length) / 2;
    ids.forEach((series, barIndex) => {
      const x = groupX + barIndex * barWidth;
      const bar = panel.bar(series, count);
      const id = series.label;
      if (bar.median !== undefined) {
        const y = panel.y(bar.median);
        parts.push(
          `<rect x="${x + 1}" y="${y}" width="${barWidth - 2}" height="${Math.max(0, plotBottom - y)}" fill="${color(series)}"><title>${escapeXml(`${id}, ${count} tabs: ${panel.label(bar.median)}`)}</title></rect>`,
        );
        if (bar.min !== undefined && bar.max !== undefined) {
          const center = x + barWidth / 2;
          parts.push(
            `<line x1="${center}" x2="${center}" y1="${panel.y(bar.min)}" y2="${panel.y(bar.max)}" stroke="#111827"/>`,
          );
        }
        parts.push(
          `<text x="${x + barWidth / 2}" y="${y - 3}" text-anchor="middle" font-size="9" transform="rotate(-60 ${x + barWidth / 2} ${y - 3})">${escapeXml(panel.label(bar.median))}</text>`,
        );
      }
      if (bar.timeout) {
        parts.push(
          `<rect x="${x + 1}" y="${plotTop}" width="${barWidth - 2}" height="${plotBottom - plotTop}" fill="none" stroke="${color(series)}" stroke-dasharray="3 2"><title>${escapeXml(`${id}, ${count} tabs: timeout`)}</title></rect>`,
        );
      }
    });
    parts.push(
      `<text x="${plotLeft + groupIndex * groupWidth + groupWidth / 2}" y="${plotBottom + 16}" text-anchor="middle">${count} tabs</text>`,
    );
  });
  parts.push(
    `<line x1="${plotLeft}" x2="${plotRight}" y1="${plotBottom}" y2="${plotBottom}" stroke="#111827"/>`,
  );
  parts.push('</g>');
  return parts.join('\n');
}

/** A hand-written SVG bar chart of the report: one panel per latency figure (log scale) and steady traffic. */
export function renderChart(report: BenchReport): string {
  const panels = [
    latencyPanel(report, 'firstLeaderMs'),
    latencyPanel(report, 'gracefulMs'),
    latencyPanel(report, 'crashMs'),
    ...(report.cells.some((cell) => cell.latency.cutMs.n + cell.latency.cutMs.timeouts > 0)
      ? [latencyPanel(report, 'cutMs')]
      : []),
    latencyPanel(report, 'newcomerMs'),
    messagesPanel(report),
  ];
  const width = panels.length * panelWidth + 20;
  const height = plotBottom + 30;
  const legend = report.contenders
    .map(
      (c, i) =>
        `<rect x="${20 + i * 230}" y="30" width="12" height="12" fill="${color(c)}"/><text x="${38 + i * 230}" y="40">${escapeXml(`${c.label} (×${c.reps})`)}</text>`,
    )
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-weight="bold">${escapeXml(`Conclave bench ${report.date}: medians, min–max whiskers; latency panels in ms, log scale; dashed outline = a timeout`)}</text>`,
    legend,
    ...panels.map((panel, i) => renderPanel(panel, report, 10 + i * panelWidth)),
    '</svg>',
    '',
  ].join('\n');
}
