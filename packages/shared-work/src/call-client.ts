import type { Clock, PeerId } from '@conclave/election';
import { type Backoff, backoffDelay, throughJson } from '@conclave/protocol';
import type { CallAnswer } from './call-server';
import type { Channel } from './channel';
import { LeaderCallError, type LeaderCallErrorCode, RemoteError } from './errors';
import { sharedWorkLimits as limits } from './limits';
import type { Leadership, RoomCore } from './room-core';
import type { Counters } from './stats';
import { type CallMessage, type FailureMessage, type Outgoing, tag } from './wire';

/** Options of {@link LeaderWork.callLeader}. */
export interface CallOptions {
  /** How long one attempt waits for an answer before it is sent again (to whoever leads then). */
  timeoutMs?: number;
  /** How many times a call may be sent again after its first attempt (timeouts, hand-overs, `not-leader`). */
  retries?: number;
  /** Overall bound, waiting for a leader included: past it the call fails (`timeout`, `no-leader`, `not-leader`). */
  deadlineMs?: number;
  /** Gives up on the call (`aborted`); the leader may still run it. */
  signal?: AbortSignal;
}

/** Defaults of {@link CallOptions}. */
export const defaultCallOptions = { timeoutMs: 3000, retries: 3, deadlineMs: 10_000 } as const;

/** A successful call, with where its answer came from. */
export interface LeaderCallResult<T> {
  readonly value: T;
  /** The leader's term when it accepted the call: the fencing token of the handler's effects. */
  readonly term: number;
  /** The peer that answered (self when this tab led). */
  readonly leaderId: PeerId;
  /** The request id every attempt carried. */
  readonly requestId: string;
  /** How many times the call was delivered. */
  readonly attempts: number;
}

/** Problems that make a call try again, and the code it fails with if none of the tries works. */
type Retryable = 'timeout' | 'no-leader' | 'not-leader';

interface PendingCall {
  readonly id: string;
  readonly method: string;
  readonly args: unknown;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly resolve: (result: LeaderCallResult<unknown>) => void;
  readonly reject: (error: LeaderCallError) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  attempts: number;
  /** The peer the current attempt went to (self for a local run), undefined while waiting. */
  target: PeerId | undefined;
  /** Every peer an attempt went to: a result from any of them is the answer (the handler ran there). */
  readonly sentTo: Set<PeerId>;
  /** A peer named by a `not-leader` answer, tried next. */
  hint: PeerId | undefined;
  problem: Retryable;
  lastTerm: number | undefined;
  attemptTimer: unknown;
  retryTimer: unknown;
  deadlineTimer: unknown;
}

/** What {@link CallClient} needs. */
export interface CallClientDeps {
  readonly core: RoomCore;
  readonly clock: Clock;
  readonly channel: Channel;
  readonly counters: Counters;
  /** Runs a call on this tab (when it leads); the answer may come synchronously. */
  readonly runLocally: (call: CallMessage, answer: (answer: CallAnswer) => void) => void;
  readonly defaults: Required<Omit<CallOptions, 'signal'>>;
}

/**
 * The caller's side of {@link LeaderWork.callLeader}: finds the leader, sends, waits, and sends again to
 * whoever leads after a timeout, a hand-over or a `not-leader` answer, always with the same request id.
 */
export class CallClient {
  private readonly pending = new Map<string, PendingCall>();
  private readonly idPrefix = Math.random().toString(36).slice(2, 10);
  private ids = 0;
  private disposed = false;

  constructor(private readonly deps: CallClientDeps) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  call<T>(method: string, args: unknown, options: CallOptions = {}): Promise<LeaderCallResult<T>> {
    const id = `${this.idPrefix}-${(++this.ids).toString(36)}`;
    const refuse = (code: LeaderCallErrorCode, message: string) =>
      Promise.reject(
        new LeaderCallError(code, message, { method: String(method), requestId: id, attempts: 0 }),
      );
    if (this.disposed) return refuse('disposed', 'shared-work was disposed');
    if (typeof method !== 'string' || method.length < 1 || method.length > limits.maxNameLength) {
      return refuse('invalid-request', `method names are 1-${limits.maxNameLength} characters`);
    }
    const wire = throughJson(args, limits.maxValueBytes);
    if (wire === undefined) {
      return refuse(
        'invalid-request',
        `the arguments have no JSON form or are larger than ${limits.maxValueBytes} bytes`,
      );
    }
    if (this.pending.size >= limits.maxPendingCalls) {
      return refuse('overloaded', `at most ${limits.maxPendingCalls} calls may wait at once`);
    }
    if (options.signal?.aborted) return refuse('aborted', 'the call was aborted');
    const timeoutMs = options.timeoutMs ?? this.deps.defaults.timeoutMs;
    const retries = options.retries ?? this.deps.defaults.retries;
    const deadlineMs = options.deadlineMs ?? this.deps.defaults.deadlineMs;
    return new Promise<LeaderCallResult<T>>((resolve, reject) => {
      const call: PendingCall = {
        id,
        method,
        args: wire.value,
        timeoutMs,
        maxAttempts: Math.max(1, Math.floor(retries) + 1),
        resolve: resolve as (result: LeaderCallResult<unknown>) => void,
        reject,
        signal: options.signal,
        onAbort: () => this.fail(call, 'aborted', 'the call was aborted'),
        attempts: 0,
        target: undefined,
        sentTo: new Set(),
        hint: undefined,
        problem: 'no-leader',
        lastTerm: undefined,
        attemptTimer: undefined,
        retryTimer: undefined,
        deadlineTimer: undefined,
      };
      this.pending.set(id, call);
      call.signal?.addEventListener('abort', call.onAbort, { once: true });
      call.deadlineTimer = this.deps.clock.setTimeout(() => this.failForGood(call), deadlineMs);
      this.dispatch(call);
    });
  }

  /** An answer arrived from `from` (self for a local run). */
  onAnswer(from: PeerId, answer: CallAnswer): void {
    const call = this.pending.get(answer.id);
    if (call === undefined || !call.sentTo.has(from)) {
      this.deps.counters.count('ignored');
      return;
    }
    if (answer.kind === 'result') {
      this.settle(call);
      call.resolve({
        value: answer.value,
        term: answer.term,
        leaderId: from,
        requestId: call.id,
        attempts: call.attempts,
      });
      return;
    }
    if (from !== call.target) {
      this.deps.counters.count('ignored'); // a refusal from a peer this call has moved on from
      return;
    }
    call.lastTerm = answer.term;
    if (answer.code === 'not-leader') {
      this.retryAfterNotLeader(call, from, answer);
      return;
    }
    const details = {
      method: call.method,
      requestId: call.id,
      attempts: call.attempts,
      leaderId: from,
      term: answer.term,
    };
    this.settle(call);
    call.reject(
      answer.code === 'remote-error'
        ? new RemoteError(answer.remote ?? { name: 'Error', message: answer.message }, details)
        : new LeaderCallError(answer.code, answer.message, details),
    );
  }

  /** Sends calls waiting for a leader to the new one, and calls sent to a leader that no longer leads. */
  onLeadershipChange(leadership: Leadership): void {
    if (leadership.leaderId === undefined) return;
    for (const call of [...this.pending.values()]) {
      const waiting = call.target === undefined;
      const leaderMoved = call.target !== this.deps.core.selfId && call.target !== leadership.leaderId;
      if (waiting || leaderMoved) this.dispatch(call);
    }
  }

  /** Rejects every pending call with `disposed`; later calls are refused. */
  dispose(): void {
    this.disposed = true;
    for (const call of [...this.pending.values()]) this.fail(call, 'disposed', 'shared-work was disposed');
  }

  private dispatch(call: PendingCall): void {
    const { core, clock, channel } = this.deps;
    this.clearAttempt(call);
    if (call.attempts >= call.maxAttempts) {
      this.failForGood(call);
      return;
    }
    const leadership = core.leadership();
    let target = call.hint ?? leadership.leaderId;
    call.hint = undefined;
    if (target === core.selfId && !leadership.isLeader) target = undefined;
    call.target = target;
    if (target === undefined) {
      call.problem = 'no-leader';
      return; // onLeadershipChange dispatches again; the deadline bounds the wait
    }
    const message: Outgoing<CallMessage> = {
      kind: 'call',
      id: call.id,
      method: call.method,
      args: call.args,
    };
    if (target !== core.selfId && !channel.sendTo<CallMessage>(target, message)) {
      call.target = undefined;
      call.problem = 'no-leader';
      call.retryTimer = clock.setTimeout(() => this.dispatch(call), retryDelay(call.attempts + 1));
      return;
    }
    call.attempts += 1;
    call.sentTo.add(target);
    call.problem = 'timeout';
    call.attemptTimer = clock.setTimeout(() => this.dispatch(call), call.timeoutMs);
    if (target === core.selfId) {
      const self = target;
      const local = throughJson(call.args, limits.maxValueBytes);
      this.deps.runLocally(tag<CallMessage>({ ...message, args: local?.value ?? null }), (answer) => {
        // Answers to a local run arrive asynchronously, like remote ones.
        Promise.resolve().then(() => this.onAnswer(self, answer));
      });
    }
  }

  private retryAfterNotLeader(call: PendingCall, from: PeerId, answer: Outgoing<FailureMessage>): void {
    this.clearAttempt(call);
    call.problem = 'not-leader';
    call.target = undefined;
    const hint = answer.leaderId;
    const fresh = hint !== undefined && hint !== from && !call.sentTo.has(hint);
    if (fresh) {
      call.hint = hint;
      this.dispatch(call);
      return;
    }
    if (hint !== undefined && hint !== from) call.hint = hint;
    call.retryTimer = this.deps.clock.setTimeout(() => this.dispatch(call), retryDelay(call.attempts));
  }

  /** Fails with the problem that kept the call from an answer. */
  private failForGood(call: PendingCall): void {
    const reasons: Record<Retryable, string> = {
      timeout: `no answer to "${call.method}" after ${call.attempts} attempt(s)`,
      'no-leader': `no reachable leader for "${call.method}"`,
      'not-leader': `the peers asked for "${call.method}" do not lead`,
    };
    this.fail(call, call.problem, reasons[call.problem]);
  }

  private fail(call: PendingCall, code: LeaderCallErrorCode, message: string): void {
    if (!this.pending.has(call.id)) return;
    this.settle(call);
    call.reject(
      new LeaderCallError(code, message, {
        method: call.method,
        requestId: call.id,
        attempts: call.attempts,
        leaderId: call.target,
        term: call.lastTerm,
      }),
    );
  }

  private settle(call: PendingCall): void {
    this.pending.delete(call.id);
    this.clearAttempt(call);
    this.deps.clock.clearTimeout(call.deadlineTimer);
    call.signal?.removeEventListener('abort', call.onAbort);
  }

  private clearAttempt(call: PendingCall): void {
    if (call.attemptTimer !== undefined) this.deps.clock.clearTimeout(call.attemptTimer);
    if (call.retryTimer !== undefined) this.deps.clock.clearTimeout(call.retryTimer);
    call.attemptTimer = undefined;
    call.retryTimer = undefined;
  }
}

/** Backoff before trying a peer again: 50 ms, doubling, at most 1 s. */
const peerRetryBackoff: Backoff = { firstMs: 50, maxMs: 1_000 };

function retryDelay(attempt: number): number {
  return backoffDelay(attempt, peerRetryBackoff);
}
