import type { BenchEvent, TrafficCounters } from './bench-events';
import { epochNow } from './clock';

/** The bench state a page keeps on `window.bench` (read by the harness with `page.evaluate`). */
export interface BenchWindowState {
  /** Every event this page reported, oldest first (bounded). */
  readonly log: BenchEvent[];
  readonly traffic: TrafficCounters;
  /** The implementation's own timeline, when it has one (Conclave's room events), for --trace. */
  timeline?: () => unknown;
  /** The implementation's own counters, when it has them (Conclave's `room.stats()`), for --trace. */
  stats?: () => unknown;
  /** Every data-channel message sent (with `?trace=1` only). */
  sends?: () => unknown;
}

declare global {
  interface Window {
    bench?: BenchWindowState;
    /** Exposed by the harness (`context.exposeBinding`); absent when the page is opened by hand. */
    benchReport?: (event: BenchEvent) => Promise<void>;
  }
}

const logLimit = 2_000;

/** Records events on `window.bench` and pushes them to the harness as they happen. */
export class Reporter {
  readonly state: BenchWindowState;

  constructor(traffic: TrafficCounters) {
    this.state = { log: [], traffic };
    window.bench = this.state;
    window.addEventListener('error', (event) => this.problem(`error: ${event.message}`));
    window.addEventListener('unhandledrejection', (event) =>
      this.problem(`unhandled rejection: ${String(event.reason)}`),
    );
  }

  report(event: BenchEvent): void {
    if (this.state.log.length >= logLimit) this.state.log.shift();
    this.state.log.push(event);
    // Fire and forget: the binding's round trip must not delay the page.
    window.benchReport?.(event).catch(() => {});
  }

  problem(message: string): void {
    this.report({ kind: 'problem', at: epochNow(), message: message.slice(0, 2000) });
  }
}

/** The page's query parameters, validated. */
export function pageParams(): { room: string; timings: 'default' | 'fabric'; trace: boolean } {
  const params = new URLSearchParams(location.search);
  const room = params.get('room') ?? 'bench';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(room)) throw new Error(`invalid room name: ${room}`);
  const timings = params.get('timings') === 'fabric' ? 'fabric' : 'default';
  return { room, timings, trace: params.get('trace') === '1' };
}
