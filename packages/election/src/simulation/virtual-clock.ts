import type { Clock } from '../types';
import { BinaryHeap } from './binary-heap';

interface Task {
  at: number;
  readonly seq: number;
  fn: ((arg: unknown) => unknown) | undefined;
  arg: unknown;
  /** A series runs again at the time its fn returns (see {@link VirtualClock.scheduleSeries}). */
  readonly series: boolean;
}

const earlier = (a: Task, b: Task): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * Thrown by {@link VirtualClock.step} when more tasks run within one simulated second than its
 * `maxTasksPerSecond`: a livelock or message storm (peers outbidding each other for ever), which would otherwise
 * make simulated time crawl and a test hang instead of failing.
 */
export class SimulationStormError extends Error {
  override name = 'SimulationStormError';
}

export interface VirtualClockOptions {
  /**
   * Most tasks that may run within one simulated second ([n s, n+1 s)); one more throws
   * {@link SimulationStormError}. Default: no bound. Can be changed later through the property of that name.
   */
  readonly maxTasksPerSecond?: number;
}

/**
 * Simulated time: a priority queue of tasks run in (time, insertion) order, so every run is deterministic.
 * Implements {@link Clock} for the election; the network schedules its deliveries here too. Cancelled tasks
 * are dropped lazily when they reach the top of the heap.
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private live = 0;
  private executed = 0;
  private readonly queue = new BinaryHeap<Task>(earlier);
  /** See {@link VirtualClockOptions.maxTasksPerSecond}. */
  maxTasksPerSecond: number;
  private second = Number.NaN;
  private tasksThisSecond = 0;

  constructor(startAt = 0, options: VirtualClockOptions = {}) {
    this.time = startAt;
    this.maxTasksPerSecond = options.maxTasksPerSecond ?? Number.POSITIVE_INFINITY;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return this.schedule(this.time + (Number.isFinite(ms) && ms > 0 ? ms : 0), fn as (arg: unknown) => void);
  }

  clearTimeout(handle: unknown): void {
    const task = handle as Task | undefined;
    if (task && typeof task === 'object' && task.fn !== undefined) {
      task.fn = undefined;
      task.arg = undefined;
      this.live--;
    }
  }

  /** Runs `fn(arg)` at absolute time `at` (not before now). Returns a handle for {@link clearTimeout}. */
  schedule<A>(at: number, fn: (arg: A) => void, arg?: A): unknown {
    return this.enqueue(at, fn as (arg: unknown) => unknown, arg, false);
  }

  /**
   * Runs `fn(arg)` at `at`, then again at whatever time it returns, until it returns undefined: one heap entry
   * for a whole series (the network delivers one gossip to all its recipients this way).
   */
  scheduleSeries<A>(at: number, fn: (arg: A) => number | undefined, arg: A): unknown {
    return this.enqueue(at, fn as (arg: unknown) => unknown, arg, true);
  }

  private enqueue(at: number, fn: (arg: unknown) => unknown, arg: unknown, series: boolean): Task {
    const task: Task = { at: Math.max(at, this.time), seq: this.seq++, fn, arg, series };
    this.queue.push(task);
    this.live++;
    return task;
  }

  /** Tasks scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Tasks run since creation (a measure of simulation work). */
  get tasksRun(): number {
    return this.executed;
  }

  /** When the next live task is due, or undefined when none is pending. */
  nextAt(): number | undefined {
    return this.peekLive()?.at;
  }

  /** Runs the next task, if any; returns false when the queue is empty. */
  step(): boolean {
    const task = this.peekLive();
    if (task === undefined) return false;
    this.queue.pop();
    const fn = task.fn as (arg: unknown) => unknown;
    const arg = task.arg;
    task.fn = undefined;
    task.arg = undefined;
    this.live--;
    this.executed++;
    this.time = task.at;
    this.countTask();
    const next = fn(arg);
    if (task.series && typeof next === 'number') {
      task.at = Math.max(next, this.time);
      task.fn = fn;
      task.arg = arg;
      this.queue.push(task);
      this.live++;
    }
    return true;
  }

  /** Runs every task due at or before `time`, then sets the clock to `time`. */
  runUntil(time: number): void {
    for (;;) {
      const top = this.peekLive();
      if (top === undefined || top.at > time) break;
      this.step();
    }
    if (time > this.time) this.time = time;
  }

  runFor(ms: number): void {
    this.runUntil(this.time + ms);
  }

  /**
   * Runs tasks until `condition()` holds (checked before the first and after every task) or `ms` pass.
   * Returns whether it held; the clock stops at the moment it first held.
   */
  runUntilTrue(condition: () => boolean, ms: number): boolean {
    const deadline = this.time + ms;
    if (condition()) return true;
    for (;;) {
      const top = this.peekLive();
      if (top === undefined || top.at > deadline) break;
      this.step();
      if (condition()) return true;
    }
    if (deadline > this.time) this.time = deadline;
    return condition();
  }

  /** The storm bound: counted before the task runs, so that a storm fails at its first excess task. */
  private countTask(): void {
    const second = Math.floor(this.time / 1_000);
    if (second !== this.second) {
      this.second = second;
      this.tasksThisSecond = 0;
    }
    if (++this.tasksThisSecond > this.maxTasksPerSecond) {
      throw new SimulationStormError(
        `livelock or message storm: more than ${this.maxTasksPerSecond} tasks in the simulated second ` +
          `starting at ${second * 1_000} ms (${this.executed} tasks run in all)`,
      );
    }
  }

  private peekLive(): Task | undefined {
    for (;;) {
      const top = this.queue.peek();
      if (top === undefined || top.fn !== undefined) return top;
      this.queue.pop();
    }
  }
}
