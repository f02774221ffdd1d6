import type { Clock } from '@conclave/election';

/** A {@link Clock} that owns resources (a Worker) and must be disposed. */
export interface TimerClock extends Clock {
  /** Where the timers currently run: `worker`, or `page` (asked for, no Worker available, or the Worker failed). */
  readonly kind: 'worker' | 'page';
  /** Cancels every timer and terminates the Worker. Timers set afterwards never fire. */
  dispose(): void;
}

/** The part of the DOM `Worker` this clock uses (tests pass their own). */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface TimerClockOptions {
  /** `worker` (default): timers run in a dedicated Worker; `page`: the page's own timers. */
  timers?: 'worker' | 'page';
  /** Starts a Worker running `source` (default: a Blob URL Worker); return undefined when impossible. */
  createWorker?: (source: string) => WorkerLike | undefined;
}

/**
 * The Worker's whole program: it only keeps timers, so its event loop is never busy and, unlike a hidden
 * page's, its timers are not aligned to 1 s (nor to 1 min under Chromium's intensive throttling).
 */
export const timerWorkerSource = `'use strict';
const timers = new Map();
self.onmessage = (event) => {
  const m = event.data;
  if (m === null || typeof m !== 'object' || typeof m.id !== 'number') return;
  if (m.op === 'set') {
    clearTimeout(timers.get(m.id));
    timers.set(m.id, setTimeout(() => { timers.delete(m.id); self.postMessage(m.id); }, m.ms));
  } else if (m.op === 'clear') {
    clearTimeout(timers.get(m.id));
    timers.delete(m.id);
  }
};`;

/** Wall-clock milliseconds that never go backwards: the page's time origin plus its monotonic clock. */
export function monotonicNow(): number {
  const perf = globalThis.performance;
  return perf ? perf.timeOrigin + perf.now() : Date.now();
}

interface Pending {
  readonly fn: () => void;
  readonly due: number;
  /** The page timer's handle while this timer runs on the page. */
  pageHandle?: ReturnType<typeof globalThis.setTimeout>;
}

/**
 * Creates the election's clock. With `timers: 'worker'` (default) timers run in a dedicated Worker made from
 * an inline Blob URL, so the election's heartbeats and liveness checks keep their pace in a hidden tab
 * (Chromium aligns a hidden page's timers to ≥ 1 s). Where no Worker can be created (Node, a CSP without
 * `worker-src blob:`) or the Worker fails later, timers run on the page; pending timers move over with their
 * remaining time, so they still fire in the order they are due.
 */
export function createTimerClock(options: TimerClockOptions = {}): TimerClock {
  return new WorkerTimerClock(options);
}

class WorkerTimerClock implements TimerClock {
  #worker: WorkerLike | undefined;
  #disposed = false;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #revoke: () => void;

  constructor(options: TimerClockOptions) {
    let revoke = () => {};
    if (options.timers !== 'page') {
      const create = options.createWorker ?? ((source: string) => blobWorker(source, (r) => (revoke = r)));
      try {
        this.#worker = create(timerWorkerSource);
      } catch {
        this.#worker = undefined;
      }
    }
    this.#revoke = () => revoke();
    if (this.#worker) {
      this.#worker.onmessage = (event) => this.#fire(event.data);
      this.#worker.onerror = () => this.#fallBackToPage();
    }
  }

  get kind(): 'worker' | 'page' {
    return this.#worker ? 'worker' : 'page';
  }

  now(): number {
    return monotonicNow();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#nextId++;
    if (this.#disposed) return id;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const pending: Pending = { fn, due: this.now() + delay };
    this.#pending.set(id, pending);
    if (this.#worker) this.#worker.postMessage({ op: 'set', id, ms: delay });
    else this.#onPage(id, pending, delay);
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle !== 'number') return;
    const pending = this.#pending.get(handle);
    if (!pending) return;
    this.#pending.delete(handle);
    if (pending.pageHandle !== undefined) globalThis.clearTimeout(pending.pageHandle);
    else this.#worker?.postMessage({ op: 'clear', id: handle });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const pending of this.#pending.values()) {
      if (pending.pageHandle !== undefined) globalThis.clearTimeout(pending.pageHandle);
    }
    this.#pending.clear();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#revoke();
  }

  #fire(id: unknown): void {
    if (typeof id !== 'number') return;
    const pending = this.#pending.get(id);
    if (!pending) return; // cleared meanwhile
    this.#pending.delete(id);
    pending.fn();
  }

  #onPage(id: number, pending: Pending, delay: number): void {
    pending.pageHandle = globalThis.setTimeout(() => this.#fire(id), delay);
  }

  /** The Worker failed: run what it held on the page, in due order, with the time each has left. */
  #fallBackToPage(): void {
    const worker = this.#worker;
    if (!worker || this.#disposed) return;
    this.#worker = undefined;
    worker.terminate();
    const now = this.now();
    const moving = [...this.#pending.entries()].filter(([, p]) => p.pageHandle === undefined);
    moving.sort(([a, p], [b, q]) => p.due - q.due || a - b);
    for (const [id, pending] of moving) this.#onPage(id, pending, Math.max(0, pending.due - now));
  }
}

/** A dedicated Worker running `source` from a Blob URL; undefined where Workers or Blob URLs are missing. */
function blobWorker(source: string, setRevoke: (revoke: () => void) => void): WorkerLike | undefined {
  const g = globalThis as {
    Worker?: new (url: string, options?: { name?: string }) => WorkerLike;
    Blob?: typeof Blob;
    URL?: typeof URL;
  };
  if (!g.Worker || !g.Blob || !g.URL?.createObjectURL) return undefined;
  const url = g.URL.createObjectURL(new g.Blob([source], { type: 'text/javascript' }));
  setRevoke(() => g.URL?.revokeObjectURL(url));
  try {
    return new g.Worker(url, { name: 'conclave-timers' });
  } catch (error) {
    g.URL.revokeObjectURL(url);
    throw error;
  }
}
