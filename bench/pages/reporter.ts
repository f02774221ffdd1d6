import { z } from 'zod';
import type { BenchEvent, TrafficCounters } from './bench-events';
import { epochNow } from './clock';
import { statusChannelSuffix } from './traffic';

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
  /**
   * With `?faults=1` (Conclave pages): drop everything that arrives from each of `peers` while the links stay
   * open and the peers stay in view, so only missing heartbeats can tell (a network cut signaling does not see).
   * Returns when it was applied (epoch ms).
   */
  isolate?: (peers: readonly string[]) => number;
  /**
   * Where this page's start-up went (for --trace): the browser's navigation timing and the page's own marks
   * (script started, joined...), all epoch ms.
   */
  startup?: () => unknown;
}

declare global {
  interface Window {
    bench?: BenchWindowState;
    /** Exposed by the harness (`context.exposeBinding`); absent when the page is opened by hand. */
    benchReport?: (event: BenchEvent) => Promise<void>;
  }
}

const logLimit = 2_000;

/** What a closing page tells the other tabs (bench-internal; counted with the bench status traffic). */
const leavingNoticeSchema = z.strictObject({
  type: z.literal('leaving'),
  event: z.enum(['beforeunload', 'pagehide']),
  selfId: z.string().min(1).max(128),
  at: z.number(),
});

/**
 * Records events on `window.bench` and pushes them to the harness as they happen. A closing page's own
 * report does not reach the harness (Playwright drops bindings of a closing page), so the page also tells the
 * other tabs of the room over a bench-only BroadcastChannel and they report it.
 */
export class Reporter {
  readonly state: BenchWindowState;
  private selfId: string | undefined;

  /** Epoch ms of named start-up moments (the script started, the implementation joined...). */
  private readonly marks: Record<string, number> = { script: epochNow() };

  constructor(traffic: TrafficCounters, room: string) {
    this.state = { log: [], traffic, startup: () => this.startup() };
    window.bench = this.state;
    window.addEventListener('error', (event) => this.problem(`error: ${event.message}`));
    window.addEventListener('unhandledrejection', (event) =>
      this.problem(`unhandled rejection: ${String(event.reason)}`),
    );
    const control = new BroadcastChannel(`${room}:control${statusChannelSuffix}`);
    control.onmessage = (message: MessageEvent<unknown>) => {
      const notice = leavingNoticeSchema.safeParse(message.data);
      if (!notice.success) return;
      const { at, event, selfId } = notice.data;
      this.report({ kind: 'peer-leaving', at, event, selfId });
    };
    // Registered before the implementation's own listeners, so they mark the moment the page starts to go away:
    // broadcast-channel leaves on beforeunload, Conclave on pagehide; the harness keeps both.
    const leaving = (event: 'beforeunload' | 'pagehide'): void => {
      const at = epochNow();
      this.report({ kind: 'leaving', at, event });
      if (this.selfId) control.postMessage({ type: 'leaving', event, selfId: this.selfId, at });
    };
    window.addEventListener('beforeunload', () => leaving('beforeunload'));
    window.addEventListener('pagehide', () => leaving('pagehide'));
  }

  /** The page has joined as `selfId`. */
  ready(selfId: string): void {
    this.selfId = selfId;
    this.mark('ready');
    this.report({ kind: 'ready', at: epochNow(), selfId, navigatedAt: performance.timeOrigin });
  }

  /** Notes when a start-up step happened (kept for --trace). */
  mark(name: string): void {
    this.marks[name] ??= epochNow();
  }

  private startup(): unknown {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    const at = (ms: number | undefined) =>
      ms === undefined || ms === 0 ? undefined : performance.timeOrigin + ms;
    return {
      navigation: navigation && {
        start: performance.timeOrigin,
        responseEnd: at(navigation.responseEnd),
        domInteractive: at(navigation.domInteractive),
        loadEventEnd: at(navigation.loadEventEnd),
      },
      marks: { ...this.marks },
    };
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
export function pageParams(): {
  room: string;
  timings: 'default' | 'fabric';
  trace: boolean;
  faults: boolean;
} {
  const params = new URLSearchParams(location.search);
  const room = params.get('room') ?? 'bench';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(room)) throw new Error(`invalid room name: ${room}`);
  const timings = params.get('timings') === 'fabric' ? 'fabric' : 'default';
  return { room, timings, trace: params.get('trace') === '1', faults: params.get('faults') === '1' };
}
