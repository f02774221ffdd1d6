import type { PeerId } from '@conclave/election';
import { LeadershipEndedError, type LeadershipEndReason } from './errors';
import type { Counters } from './stats';

/** What a leader task gets. */
export interface LeaderTaskContext {
  /**
   * Aborts the moment this tab's leadership of `term` ends (lost, yielded, stepped down on a partition heal,
   * stopped, disposed) or the task is unsubscribed. Its `reason` is a {@link LeadershipEndedError}.
   */
  readonly signal: AbortSignal;
  /** The leadership's term: pass it along with every effect as a fencing token. */
  readonly term: number;
  /** This tab's id (the leader). */
  readonly leaderId: PeerId;
}

/** Work to do while leading. It may return at once and keep working (timers) until `ctx.signal` aborts. */
export type LeaderTask = (ctx: LeaderTaskContext) => void | Promise<void>;

interface Run {
  readonly controller: AbortController;
  readonly term: number;
}

interface Subscription {
  readonly task: LeaderTask;
  /** The term of the last run started: a task runs at most once per leadership. */
  ranTerm: number | undefined;
  run: Run | undefined;
}

/**
 * The registered leader tasks. {@link LeaderTasks.start} runs every task once for a leadership (and tasks
 * registered while it lasts); {@link LeaderTasks.end} aborts them all, synchronously.
 */
export class LeaderTasks {
  private readonly subscriptions = new Set<Subscription>();
  private leadingTerm: number | undefined;

  constructor(
    private readonly selfId: PeerId,
    private readonly counters: Counters,
    /** Receives what a task throws or rejects with before its signal aborted. */
    private readonly report: (error: unknown, term: number) => void,
  ) {}

  /** Tasks with a leadership in progress (their signal not yet aborted). */
  get running(): number {
    let count = 0;
    for (const subscription of this.subscriptions) if (subscription.run !== undefined) count += 1;
    return count;
  }

  /** Registers a task; runs it at once when leading. Returns the unsubscribe function (aborts a run). */
  add(task: LeaderTask): () => void {
    const subscription: Subscription = { task, ranTerm: undefined, run: undefined };
    this.subscriptions.add(subscription);
    if (this.leadingTerm !== undefined) this.launch(subscription, this.leadingTerm);
    return () => {
      if (!this.subscriptions.delete(subscription)) return;
      this.abort(subscription, 'unsubscribed');
    };
  }

  /** This tab leads `term` (and has caught up): run every task that has not run in it. */
  start(term: number): void {
    this.leadingTerm = term;
    for (const subscription of [...this.subscriptions]) {
      if (subscription.ranTerm !== term && this.subscriptions.has(subscription))
        this.launch(subscription, term);
    }
  }

  /** The leadership ended: abort every run. */
  end(reason: LeadershipEndReason): void {
    this.leadingTerm = undefined;
    for (const subscription of [...this.subscriptions]) this.abort(subscription, reason);
  }

  /** Aborts every run and forgets every task. */
  dispose(): void {
    this.end('disposed');
    this.subscriptions.clear();
  }

  private launch(subscription: Subscription, term: number): void {
    const run: Run = { controller: new AbortController(), term };
    subscription.ranTerm = term;
    subscription.run = run;
    this.counters.count('tasksStarted');
    const signal = run.controller.signal;
    const fail = (error: unknown) => {
      if (signal.aborted) return; // ending with the leadership is the normal way out
      this.counters.count('taskFailures');
      this.report(error, term);
    };
    try {
      const result = subscription.task({ signal, term, leaderId: this.selfId });
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(undefined, fail);
      }
    } catch (error) {
      fail(error);
    }
  }

  private abort(subscription: Subscription, reason: LeadershipEndReason): void {
    const run = subscription.run;
    if (run === undefined) return;
    subscription.run = undefined;
    run.controller.abort(new LeadershipEndedError(reason, run.term));
  }
}
