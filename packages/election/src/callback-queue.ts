import type { Clock } from './types';

/**
 * Runs callbacks in order, after the state change that caused them is complete, so that a callback may call
 * back into the election (e.g. yield from onLeadershipChange). Synchronous unless already inside a callback.
 * A callback that throws does not stop the others: its error is rethrown on its own, from a timer.
 */
export class CallbackQueue {
  private readonly tasks: Array<() => void> = [];
  private draining = false;

  constructor(private readonly clock: Clock) {}

  run(task: () => void): void {
    this.runAll([task]);
  }

  /** Queues all of `tasks` before running any, so that what they cause runs after all of them. */
  runAll(tasks: readonly (() => void)[]): void {
    this.tasks.push(...tasks);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.tasks.shift(); next; next = this.tasks.shift()) this.guard(next);
    } finally {
      this.draining = false;
    }
  }

  private guard(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.clock.setTimeout(() => {
        throw error;
      }, 0);
    }
  }
}
