import type { PeerId } from '@conclave/election';

/**
 * Why a {@link LeaderWork.callLeader} failed.
 *
 * - `timeout`: no answer within the deadline (or within `timeoutMs` on the last allowed attempt).
 * - `no-leader`: no leader was known (or reachable) before the deadline.
 * - `not-leader`: the peers asked kept answering that they do not lead, until the deadline or the last attempt.
 * - `method-not-found`: the leader serves no such method. Not retried.
 * - `remote-error`: the handler threw; see {@link RemoteError}. Not retried: the handler ran.
 * - `invalid-request`: the arguments were refused (too large, not JSON, or failed the handler's schema). Not retried.
 * - `invalid-response`: the handler's result has no JSON form or is too large. Not retried: the handler ran.
 * - `overloaded`: too many calls in flight (on this tab, or on the leader). Not retried.
 * - `aborted`: the caller's `signal` aborted.
 * - `disposed`: {@link LeaderWork.dispose} was called (or had been) before an answer arrived.
 */
export type LeaderCallErrorCode =
  | 'timeout'
  | 'no-leader'
  | 'not-leader'
  | 'method-not-found'
  | 'remote-error'
  | 'invalid-request'
  | 'invalid-response'
  | 'overloaded'
  | 'aborted'
  | 'disposed';

/** Details of a failed call, for {@link LeaderCallError}. */
export interface LeaderCallErrorDetails {
  readonly method: string;
  /** The request id every attempt of this call carried. */
  readonly requestId: string;
  /** How many times the call was delivered (to a peer or run locally). */
  readonly attempts: number;
  /** The peer that gave the final answer, when one did. */
  readonly leaderId?: PeerId | undefined;
  /** The term of the final answer, when one came. */
  readonly term?: number | undefined;
  readonly cause?: unknown;
}

/** A {@link LeaderWork.callLeader} that failed. Switch on {@link LeaderCallError.code}. */
export class LeaderCallError extends Error {
  override readonly name: string = 'LeaderCallError';
  readonly method: string;
  readonly requestId: string;
  readonly attempts: number;
  readonly leaderId: PeerId | undefined;
  readonly term: number | undefined;

  constructor(
    readonly code: LeaderCallErrorCode,
    message: string,
    details: LeaderCallErrorDetails,
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.method = details.method;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
    this.leaderId = details.leaderId;
    this.term = details.term;
  }
}

/** What crossed the wire of an error a handler threw. */
export interface RemoteErrorInfo {
  /** The thrown error's `name` (`'Error'` for non-errors). */
  readonly name: string;
  readonly message: string;
  /** The thrown error's `code` property, when it was a string or a number. */
  readonly code?: string | number | undefined;
}

/** The leader's handler threw (or rejected). The handler ran: the call is not retried. */
export class RemoteError extends LeaderCallError {
  override readonly name: string = 'RemoteError';
  declare readonly code: 'remote-error';

  constructor(
    readonly remote: RemoteErrorInfo,
    details: LeaderCallErrorDetails,
  ) {
    super(
      'remote-error',
      `${details.method} failed on the leader: ${remote.name}: ${remote.message}`,
      details,
    );
  }
}

/**
 * Something only the leader may do was attempted by a tab that does not lead — or by a task whose
 * leadership (its `term`, used as a fencing token) is over.
 */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(
    message: string,
    /** The leader this tab knows, if any. */
    readonly leaderId: PeerId | undefined,
    /** This tab's current term. */
    readonly term: number,
  ) {
    super(message);
  }
}

/**
 * Why a local call into the shared-work API was refused.
 *
 * - `invalid-argument`: a bad name, a value with no JSON form, too large, or failing its schema.
 * - `limit-exceeded`: too many handlers or shared values (see {@link sharedWorkLimits}).
 * - `duplicate-handler`: the method is served already on this tab.
 * - `disposed`: the API was disposed.
 */
export type SharedWorkUsageErrorCode =
  | 'invalid-argument'
  | 'limit-exceeded'
  | 'duplicate-handler'
  | 'disposed';

/** A local call into the shared-work API was refused; nothing changed. */
export class SharedWorkUsageError extends Error {
  override readonly name = 'SharedWorkUsageError';
  constructor(
    readonly code: SharedWorkUsageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why a task's leadership ended; the `reason` of its aborted signal. */
export type LeadershipEndReason = 'lost' | 'term-changed' | 'unsubscribed' | 'disposed';

/** The `reason` of an aborted {@link LeaderTaskContext.signal}: the task's leadership is over. */
export class LeadershipEndedError extends Error {
  override readonly name = 'LeadershipEndedError';
  constructor(
    readonly reason: LeadershipEndReason,
    /** The term the task ran in. */
    readonly term: number,
  ) {
    super(`leadership of term ${term} ended: ${reason}`);
  }
}
