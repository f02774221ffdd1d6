/** Counters of one {@link LeaderWork}; a snapshot from {@link LeaderWork.stats}. */
export interface SharedWorkStats {
  /** Valid shared-work messages received. */
  readonly received: number;
  /** App-channel payloads without the shared-work tag (someone else's), ignored. */
  readonly foreign: number;
  /** Tagged payloads that failed validation or size limits, dropped. */
  readonly invalid: number;
  /** Valid messages dropped: a value not from the leader, a stale value, an answer nobody waits for, etc. */
  readonly ignored: number;
  /** Sync requests dropped because the peer asked too often. */
  readonly rateLimited: number;
  /** Messages that could not be sent (no open link to the peer). */
  readonly unsent: number;
  /** Calls this tab's handlers ran as leader (remote and local). */
  readonly callsServed: number;
  /** Calls answered from memory because the same request id came again. */
  readonly callsDeduplicated: number;
  /** Runs of leader tasks started. */
  readonly tasksStarted: number;
  /** Leader tasks that threw or rejected before their leadership ended. */
  readonly taskFailures: number;
  /** Calls waiting for an answer now. */
  readonly pendingCalls: number;
  /** Handler runs in progress now. */
  readonly inflightServed: number;
  /** Methods served now. */
  readonly handlers: number;
  /** Shared values held now. */
  readonly sharedValues: number;
  /** Leader tasks running now. */
  readonly runningTasks: number;
}

/** The counters that only ever grow. */
export type SharedWorkCounter = Exclude<
  keyof SharedWorkStats,
  'pendingCalls' | 'inflightServed' | 'handlers' | 'sharedValues' | 'runningTasks'
>;

/** Mutable counters shared by the parts of one {@link LeaderWork}. */
export class Counters {
  private readonly values: Record<SharedWorkCounter, number> = {
    received: 0,
    foreign: 0,
    invalid: 0,
    ignored: 0,
    rateLimited: 0,
    unsent: 0,
    callsServed: 0,
    callsDeduplicated: 0,
    tasksStarted: 0,
    taskFailures: 0,
  };

  count(counter: SharedWorkCounter, by = 1): void {
    this.values[counter] += by;
  }

  snapshot(): Readonly<Record<SharedWorkCounter, number>> {
    return { ...this.values };
  }
}
