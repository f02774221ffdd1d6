import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTimerClock, type WorkerLike } from '../src/worker-clock';

/** Runs the clock's real Worker program in a Node worker thread, behind the DOM Worker's interface. */
function threadWorker(source: string): WorkerLike {
  const shim = `const { parentPort } = require('node:worker_threads');
const self = {
  postMessage: (m) => parentPort.postMessage(m),
  set onmessage(fn) { parentPort.on('message', (data) => fn({ data })); },
};
${source}`;
  const thread = new Worker(shim, { eval: true });
  const like: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => thread.postMessage(message),
    terminate: () => void thread.terminate(),
  };
  thread.on('message', (data) => like.onmessage?.({ data }));
  thread.on('error', (error) => like.onerror?.(error));
  return like;
}

/** A Worker that accepts timers and never fires them, until the test makes it fail. */
function silentWorker() {
  const posted: unknown[] = [];
  let terminated = false;
  const like: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => posted.push(message),
    terminate: () => {
      terminated = true;
    },
  };
  return {
    like,
    posted,
    fail: () => like.onerror?.(new Error('worker died')),
    isTerminated: () => terminated,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('timer clock', () => {
  it('runs timers in a Worker, in due order, and honours clearTimeout', async () => {
    const clock = createTimerClock({ createWorker: threadWorker });
    expect(clock.kind).toBe('worker');
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('c'), 60);
    clock.setTimeout(() => fired.push('a'), 20);
    const cleared = clock.setTimeout(() => fired.push('never'), 30);
    clock.setTimeout(() => fired.push('b'), 40);
    clock.clearTimeout(cleared);
    await vi.waitFor(() => expect(fired).toHaveLength(3), { timeout: 2_000, interval: 10 });
    expect(fired).toEqual(['a', 'b', 'c']);
    clock.dispose();
  });

  it('falls back to page timers where no Worker exists (Node), in due order', () => {
    vi.useFakeTimers();
    const clock = createTimerClock();
    expect(clock.kind).toBe('page');
    const fired: number[] = [];
    for (const ms of [50, 10, 30, 0, 20]) clock.setTimeout(() => fired.push(ms), ms);
    clock.clearTimeout(clock.setTimeout(() => fired.push(-1), 5));
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([0, 10, 20, 30, 50]);
  });

  it("uses page timers when asked with timers: 'page', or when the Worker cannot be created", () => {
    const worker = silentWorker();
    expect(createTimerClock({ timers: 'page', createWorker: () => worker.like }).kind).toBe('page');
    expect(worker.posted).toEqual([]);
    const throwing = createTimerClock({
      createWorker: () => {
        throw new Error('CSP forbids blob: workers');
      },
    });
    expect(throwing.kind).toBe('page');
  });

  it('moves pending timers to the page when the Worker fails, keeping their order and remaining time', () => {
    vi.useFakeTimers();
    const worker = silentWorker();
    const clock = createTimerClock({ createWorker: () => worker.like });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('late'), 300);
    clock.setTimeout(() => fired.push('early'), 100);
    const cleared = clock.setTimeout(() => fired.push('cleared'), 150);
    clock.clearTimeout(cleared);
    expect(worker.posted).toHaveLength(4); // three sets and a clear went to the Worker
    vi.advanceTimersByTime(60);
    worker.fail();
    expect(clock.kind).toBe('page');
    expect(worker.isTerminated()).toBe(true);
    vi.advanceTimersByTime(39);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1); // 100 ms after it was set
    expect(fired).toEqual(['early']);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual(['early', 'late']);
    clock.setTimeout(() => fired.push('after'), 10); // new timers run on the page too
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(['early', 'late', 'after']);
  });

  it('fires nothing after dispose', () => {
    vi.useFakeTimers();
    const clock = createTimerClock({ timers: 'page' });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('before'), 10);
    clock.dispose();
    clock.setTimeout(() => fired.push('after'), 10);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
  });

  it('reads wall-clock milliseconds that never go backwards', () => {
    const clock = createTimerClock({ timers: 'page' });
    const first = clock.now();
    expect(Math.abs(first - Date.now())).toBeLessThan(1_000);
    expect(clock.now()).toBeGreaterThanOrEqual(first);
  });
});
