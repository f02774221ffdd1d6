import type { PeerId } from '@conclave/election';
import { throughJson } from '@conclave/protocol';
import { type core, safeParse } from 'zod/mini';
import { type RemoteErrorInfo, SharedWorkUsageError } from './errors';
import { sharedWorkLimits as limits } from './limits';
import type { RoomCore } from './room-core';
import type { Counters } from './stats';
import type { CallFailureCode, CallMessage, FailureMessage, Outgoing, ResultMessage } from './wire';

/** What a handler learns about a call. */
export interface CallContext {
  /** The caller (as the transport saw it; never a claim from the payload). Self for a local call. */
  readonly from: PeerId;
  /** This leader's term when it accepted the call: a fencing token for the handler's effects. */
  readonly term: number;
  /**
   * The caller's request id, the same on every retry of one call. Retries reaching this same leader are
   * answered from memory; after a hand-over a new leader may run the call again (at-least-once), so a
   * handler with effects should dedupe on `${from}/${requestId}` where its effects live.
   */
  readonly requestId: string;
}

/** Serves one method on the leader. Its result must have a JSON form of at most 32 KB. */
export type CallHandler<A = unknown, R = unknown> = (args: A, ctx: CallContext) => R | Promise<R>;

/** Options of {@link LeaderWork.serve}. */
export interface ServeOptions<A> {
  /**
   * Validates the arguments before the handler runs; a failure answers `invalid-request`. Any zod 4 schema
   * (`zod` or `zod/mini`).
   */
  args?: core.$ZodType<A>;
}

/** An answer to a call, without the channel tag. */
export type CallAnswer = Outgoing<ResultMessage> | Outgoing<FailureMessage>;

interface Registered {
  readonly handler: CallHandler<unknown, unknown>;
  readonly args: core.$ZodType | undefined;
}

/**
 * The methods this tab serves, and the leader's side of a call: refuses when not leading, runs the handler,
 * serializes its result or error. Remembers the last {@link sharedWorkLimits.maxRememberedAnswers} answers so
 * that a retried request id is answered again instead of run again.
 */
export class CallServer {
  private readonly handlers = new Map<string, Registered>();
  private readonly inflight = new Set<string>();
  private readonly answers = new Map<string, CallAnswer>();

  constructor(
    private readonly core: RoomCore,
    private readonly counters: Counters,
  ) {}

  get handlerCount(): number {
    return this.handlers.size;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Registers a handler. Throws {@link SharedWorkUsageError}; returns the unregister function. */
  serve<A, R>(method: string, handler: CallHandler<A, R>, options?: ServeOptions<A>): () => void {
    if (typeof method !== 'string' || method.length < 1 || method.length > limits.maxNameLength) {
      throw new SharedWorkUsageError(
        'invalid-argument',
        `method names are 1-${limits.maxNameLength} characters`,
      );
    }
    if (typeof handler !== 'function')
      throw new SharedWorkUsageError('invalid-argument', 'handler must be a function');
    if (this.handlers.has(method)) {
      throw new SharedWorkUsageError('duplicate-handler', `"${method}" is served already`);
    }
    if (this.handlers.size >= limits.maxHandlers) {
      throw new SharedWorkUsageError('limit-exceeded', `at most ${limits.maxHandlers} methods`);
    }
    const registered: Registered = { handler: handler as CallHandler<unknown, unknown>, args: options?.args };
    this.handlers.set(method, registered);
    return () => {
      if (this.handlers.get(method) === registered) this.handlers.delete(method);
    };
  }

  /**
   * Handles a call from `from` (self for a local call) and gives the answer to `answer` — synchronously for
   * refusals, after the handler settles otherwise. A duplicate of a call still running gets no answer of its
   * own: the first one's answer carries the same id.
   */
  handle(from: PeerId, call: CallMessage, answer: (answer: CallAnswer) => void): void {
    const leadership = this.core.leadership();
    const term = leadership.term;
    const fail = (code: CallFailureCode, message: string, extra?: Partial<FailureMessage>): CallAnswer => ({
      kind: 'failure',
      id: call.id,
      term,
      code,
      message: truncate(message),
      ...extra,
    });
    if (!leadership.isLeader) {
      const hint = leadership.leaderId === undefined ? {} : { leaderId: leadership.leaderId };
      answer(fail('not-leader', 'this peer does not lead', hint));
      return;
    }
    const key = `${from}\n${call.id}`;
    const remembered = this.answers.get(key);
    if (remembered !== undefined || this.inflight.has(key)) {
      this.counters.count('callsDeduplicated');
      if (remembered !== undefined) answer(remembered);
      return;
    }
    const registered = this.handlers.get(call.method);
    if (registered === undefined) {
      answer(fail('method-not-found', `no handler for "${call.method}"`));
      return;
    }
    if (this.inflight.size >= limits.maxInflightServed) {
      answer(fail('overloaded', `the leader runs ${limits.maxInflightServed} calls already`));
      return;
    }
    let args: unknown = call.args;
    if (registered.args !== undefined) {
      const parsed = safeParse(registered.args, call.args);
      if (!parsed.success) {
        answer(fail('invalid-request', `invalid arguments: ${parsed.error.issues[0]?.message ?? 'invalid'}`));
        return;
      }
      args = parsed.data;
    }
    this.inflight.add(key);
    this.counters.count('callsServed');
    const settle = (result: CallAnswer) => {
      this.inflight.delete(key);
      this.remember(key, result);
      answer(result);
    };
    const succeed = (value: unknown) => {
      const wire = throughJson(value, limits.maxValueBytes);
      settle(
        wire === undefined
          ? fail(
              'invalid-response',
              `the result has no JSON form or is larger than ${limits.maxValueBytes} bytes`,
            )
          : { kind: 'result', id: call.id, term, value: wire.value },
      );
    };
    const failWith = (error: unknown) => {
      const remote = describeError(error);
      settle(fail('remote-error', remote.message, { remote }));
    };
    try {
      const result = registered.handler(args, { from, term, requestId: call.id });
      if (
        result !== null &&
        typeof result === 'object' &&
        typeof (result as Promise<unknown>).then === 'function'
      ) {
        (result as Promise<unknown>).then(succeed, failWith);
      } else {
        succeed(result);
      }
    } catch (error) {
      failWith(error);
    }
  }

  /** Forgets every handler and remembered answer; running handlers' answers are still given. */
  dispose(): void {
    this.handlers.clear();
    this.answers.clear();
  }

  private remember(key: string, answer: CallAnswer): void {
    this.answers.delete(key);
    this.answers.set(key, answer);
    if (this.answers.size > limits.maxRememberedAnswers) {
      const oldest = this.answers.keys().next();
      if (!oldest.done) this.answers.delete(oldest.value);
    }
  }
}

/** What of a thrown value crosses the wire: name, message and a string or number `code`, all bounded. */
export function describeError(error: unknown): RemoteErrorInfo {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: truncate(String(error.name)),
      message: truncate(String(error.message)),
      ...(typeof code === 'string' ? { code: code.slice(0, 128) } : {}),
      ...(typeof code === 'number' && Number.isFinite(code) ? { code } : {}),
    };
  }
  let message: string;
  try {
    message = String(error);
  } catch {
    message = 'a value that cannot be printed';
  }
  return { name: 'Error', message: truncate(message) };
}

function truncate(text: string): string {
  return text.length <= limits.maxErrorTextLength ? text : `${text.slice(0, limits.maxErrorTextLength - 1)}…`;
}
