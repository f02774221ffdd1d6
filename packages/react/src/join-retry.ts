import type { JoinRoomError } from '@conclave/mesh';
import { backoffDelay } from '@conclave/protocol';
import { ConclaveReactError } from './errors';

/**
 * When and how soon a failed join is tried again. The delay bounds the rate: at most one attempt per
 * `delayMs(retry)`, which by default doubles from 1 s up to 30 s.
 */
export interface JoinRetry {
  /**
   * Whether a failed attempt is worth another one. Default: only `timeout` (the signaling server did not
   * answer in time: it may be restarting); a refusal (`forbidden`, `room-full`, `invalid-options`, ...) is final.
   */
  readonly retryable?: (error: JoinRoomError) => boolean;
  /** The wait before retry number `retry` (1-based), in ms. Default: 1 000 doubling up to 30 000. */
  readonly delayMs?: (retry: number) => number;
  /** How many retries in a row before the join counts as failed. Default: no limit. */
  readonly maxRetries?: number;
}

/** A {@link JoinRetry} with every field filled in. */
export interface RetryPolicy {
  readonly retryable: (error: JoinRoomError) => boolean;
  readonly delayMs: (retry: number) => number;
  readonly maxRetries: number;
}

/** The longest wait `setTimeout` honours (about 24.8 days); a longer one would fire at once. */
const maxTimerMs = 2 ** 31 - 1;

const defaultRetry: RetryPolicy = {
  retryable: (error) => error.code === 'timeout',
  delayMs: (retry) => backoffDelay(retry, { firstMs: 1_000, maxMs: 30_000 }),
  maxRetries: Number.POSITIVE_INFINITY,
};
const noRetry: RetryPolicy = { ...defaultRetry, retryable: () => false, maxRetries: 0 };

/**
 * Fills in the defaults; `false` turns retrying off.
 * @throws {ConclaveReactError} `invalid-options` for anything else than a {@link JoinRetry} or `false`.
 */
export function retryPolicy(retry: JoinRetry | false | undefined): RetryPolicy {
  if (retry === undefined) return defaultRetry;
  if (retry === false) return noRetry;
  const fail = (what: string): never => {
    throw new ConclaveReactError('invalid-options', `retry: ${what}`);
  };
  if (typeof retry !== 'object' || retry === null) return fail('must be an object or false');
  const { retryable, delayMs, maxRetries } = retry;
  if (retryable !== undefined && typeof retryable !== 'function') fail('retryable must be a function');
  if (delayMs !== undefined && typeof delayMs !== 'function') fail('delayMs must be a function');
  if (
    maxRetries !== undefined &&
    !(maxRetries === Number.POSITIVE_INFINITY || (Number.isInteger(maxRetries) && maxRetries >= 0))
  ) {
    fail('maxRetries must be a whole number ≥ 0 or Infinity');
  }
  return {
    retryable: retryable ?? defaultRetry.retryable,
    delayMs: delayMs ?? defaultRetry.delayMs,
    maxRetries: maxRetries ?? defaultRetry.maxRetries,
  };
}

/** The wait before retry `retry`, made safe for `setTimeout` (a bad value from a user function waits the default). */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  const ms = policy.delayMs(retry);
  if (typeof ms !== 'number' || Number.isNaN(ms)) return defaultRetry.delayMs(retry);
  return Math.min(maxTimerMs, Math.max(0, ms));
}
