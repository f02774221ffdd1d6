import { type Clock, systemClock } from '@conclave/election';
import { CallClient, type CallOptions, defaultCallOptions, type LeaderCallResult } from './call-client';
import { type CallHandler, CallServer, type ServeOptions } from './call-server';
import { Channel } from './channel';
import { SharedWorkUsageError } from './errors';
import { type LeaderTask, LeaderTasks } from './leader-tasks';
import type { Leadership, RoomCore } from './room-core';
import { SharedStore } from './shared-store';
import { SharedSync } from './shared-sync';
import { createSharedValue, type SharedOptions, type SharedValue } from './shared-value';
import { Counters, type SharedWorkStats } from './stats';
import { type FailureMessage, parseIncoming, type ResultMessage, type SharedWorkMessage } from './wire';

/** Where a reported error came from. */
export type LeaderWorkErrorContext =
  | { readonly source: 'task'; readonly term: number }
  | { readonly source: 'listener'; readonly name: string };

/** Options of {@link createLeaderWork}. */
export interface LeaderWorkOptions {
  /** Timers; default the real ones. Tests and simulations pass a virtual clock. */
  clock?: Clock;
  /**
   * Receives what a leader task throws or rejects with (while its leadership lasts; rejecting after the
   * signal aborted is the normal way out and not reported) and what a shared-value listener throws.
   * Default: `console.error`.
   */
  onError?: (error: unknown, context: LeaderWorkErrorContext) => void;
  /**
   * When this tab becomes leader, how long it waits at most for its peers' shared values before its tasks
   * start (it stops waiting once every peer answered or left). 0 starts tasks at once. Default 500 ms.
   */
  takeoverSyncMs?: number;
  /** Defaults of every {@link LeaderWork.callLeader}'s options. */
  callDefaults?: Partial<Omit<CallOptions, 'signal'>>;
}

/** The leader-work API, as a {@link RoomCore}-based room exposes it. */
export interface LeaderWorkApi {
  /**
   * Runs `task` whenever this tab becomes leader — at once when it leads already (once it has caught up
   * with its peers' shared values, see {@link LeaderWorkOptions.takeoverSyncMs}) — at most once per
   * leadership. `ctx.signal` aborts the moment the leadership ends or its term changes. A task that throws
   * or rejects is reported to `onError` and not run again until the next leadership.
   * @returns the unsubscribe function; it also aborts a run in progress.
   */
  runWhileLeader(task: LeaderTask): () => void;
  /**
   * Calls `method` on the leader (locally when this tab leads) and resolves with the handler's result.
   *
   * Waits for a leader when none is known, and sends the call again — with the same request id — after an
   * attempt's timeout, a hand-over, or a `not-leader` answer (to the leader that answer names), within
   * `retries` and `deadlineMs`. Delivery is **at least once** across leaders: a leader that answered from
   * memory does not run a retried request id twice, but a new leader after a hand-over may run a call
   * the old one ran already. Handlers dedupe on `ctx.requestId` where that matters.
   *
   * Rejects with {@link LeaderCallError} (see {@link LeaderCallErrorCode}), {@link RemoteError} when the
   * handler threw. Use {@link LeaderWorkApi.callLeaderDetailed} for the term the result carries.
   */
  callLeader<T = unknown>(method: string, args?: unknown, options?: CallOptions): Promise<T>;
  /** {@link LeaderWorkApi.callLeader}, resolving with the result's term, the answering leader and attempts. */
  callLeaderDetailed<T = unknown>(
    method: string,
    args?: unknown,
    options?: CallOptions,
  ): Promise<LeaderCallResult<T>>;
  /**
   * Serves `method` when this tab leads (register it on every tab: whoever leads answers). A follower that
   * receives a call answers `not-leader` with the leader it knows, and the caller goes there.
   * Throws {@link SharedWorkUsageError} (bad name, served already, too many methods).
   * @returns the unregister function.
   */
  serve<A = unknown, R = unknown>(
    method: string,
    handler: CallHandler<A, R>,
    options?: ServeOptions<A>,
  ): () => void;
  /**
   * The shared value `name` (the same handle on every call): the leader publishes, every tab sees the
   * newest value with its term and version. Throws {@link SharedWorkUsageError} (bad name, too many values,
   * another schema for the same name).
   */
  shared<T = unknown>(name: string, options?: SharedOptions<T>): SharedValue<T>;
}

/** Leader work on one room: the {@link LeaderWorkApi} plus counters and disposal. */
export interface LeaderWork extends LeaderWorkApi {
  /** Counters of messages, calls and tasks; see {@link SharedWorkStats}. */
  stats(): SharedWorkStats;
  /**
   * Aborts every task (`disposed`), rejects every pending call (`disposed`), stops listening to the room.
   * Later calls throw or reject with `disposed`. Idempotent.
   */
  dispose(): void;
}

/**
 * Leader work over a room: tasks that run on the leader only, RPC to the leader, and values the leader
 * shares. Every payload it sends on the room's app channel is tagged and validated on arrival.
 *
 * @example
 * ```ts
 * const work = createLeaderWork(room);
 * const counter = work.shared<number>('counter');
 * work.runWhileLeader(({ signal, term }) => {
 *   const timer = setInterval(() => counter.publish((counter.get()?.value ?? 0) + 1, { term }), 1000);
 *   signal.addEventListener('abort', () => clearInterval(timer));
 * });
 * ```
 */
export function createLeaderWork(core: RoomCore, options: LeaderWorkOptions = {}): LeaderWork {
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? defaultOnError;
  const counters = new Counters();
  const channel = new Channel(core, counters);
  const store = new SharedStore((error, name) => onError(error, { source: 'listener', name }));
  const sync = new SharedSync({
    core,
    clock,
    store,
    channel,
    counters,
    takeoverSyncMs: options.takeoverSyncMs ?? 500,
  });
  const tasks = new LeaderTasks(core.selfId, counters, (error, term) =>
    onError(error, { source: 'task', term }),
  );
  const server = new CallServer(core, counters);
  const client = new CallClient({
    core,
    clock,
    channel,
    counters,
    runLocally: (call, answer) => server.handle(core.selfId, call, answer),
    defaults: { ...defaultCallOptions, ...options.callDefaults },
  });
  const handles = new Map<string, SharedValue<unknown>>();
  let disposed = false;

  let ledTerm: number | undefined;
  let followed: Leadership | undefined;
  const onLeadership = (leadership: Leadership) => {
    if (disposed) return;
    if (leadership.isLeader) {
      if (ledTerm !== leadership.term) {
        if (ledTerm !== undefined) tasks.end('term-changed');
        const term = leadership.term;
        ledTerm = term;
        sync.beginTakeover(term, () => tasks.start(term));
      }
    } else if (ledTerm !== undefined) {
      ledTerm = undefined;
      tasks.end('lost');
      sync.cancelTakeover();
    }
    const leaderId = leadership.leaderId;
    if (!leadership.isLeader && leaderId !== undefined) {
      if (followed?.leaderId !== leaderId || followed.term !== leadership.term) sync.pull(leaderId);
      followed = leadership;
    } else {
      followed = undefined;
    }
    sync.onLeadership(leadership);
    client.onLeadershipChange(leadership);
  };

  const route = (from: string, message: SharedWorkMessage) => {
    switch (message.kind) {
      case 'call':
        server.handle(from, message, (answer) =>
          channel.sendTo<ResultMessage | FailureMessage>(from, answer),
        );
        return;
      case 'result':
      case 'failure':
        client.onAnswer(from, message);
        return;
      case 'state':
        sync.onState(from, message);
        return;
      case 'sync-request':
        sync.onSyncRequest(from, message);
        return;
      case 'sync-end':
        sync.onSyncEnd(from, message);
        return;
    }
  };

  const unsubscribes = [
    core.onLeadershipChange(onLeadership),
    core.onAppMessage((from, payload) => {
      if (disposed) return;
      const parsed = parseIncoming(payload);
      if (parsed.status === 'foreign') counters.count('foreign');
      else if (parsed.status === 'invalid' || from === core.selfId) counters.count('invalid');
      else {
        counters.count('received');
        route(from, parsed.message);
      }
    }),
    core.onPeerLinked((peer) => {
      if (!disposed && core.leadership().isLeader) sync.pushTo(peer);
    }),
  ];
  onLeadership(core.leadership());

  const assertLive = () => {
    if (disposed) throw new SharedWorkUsageError('disposed', 'shared-work was disposed');
  };

  return {
    runWhileLeader(task) {
      assertLive();
      if (typeof task !== 'function')
        throw new SharedWorkUsageError('invalid-argument', 'task must be a function');
      return tasks.add(task);
    },
    callLeader: (method, args, callOptions) =>
      client.call(method, args, callOptions).then((result) => result.value as never),
    callLeaderDetailed: (method, args, callOptions) => client.call(method, args, callOptions),
    serve(method, handler, serveOptions) {
      assertLive();
      return server.serve(method, handler, serveOptions);
    },
    shared<T>(name: string, sharedOptions?: SharedOptions<T>): SharedValue<T> {
      assertLive();
      store.claim(name, sharedOptions?.schema);
      let handle = handles.get(name);
      if (handle === undefined) {
        handle = createSharedValue(name, { core, store, channel, isDisposed: () => disposed });
        handles.set(name, handle);
      }
      return handle as SharedValue<T>;
    },
    stats: () => ({
      ...counters.snapshot(),
      pendingCalls: client.pendingCount,
      inflightServed: server.inflightCount,
      handlers: server.handlerCount,
      sharedValues: store.size,
      runningTasks: tasks.running,
    }),
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      sync.cancelTakeover();
      tasks.dispose();
      client.dispose();
      server.dispose();
      store.dispose();
    },
  };
}

function defaultOnError(error: unknown, context: LeaderWorkErrorContext): void {
  const log = (globalThis as { console?: { error(...data: unknown[]): void } }).console;
  log?.error(`[shared-work] ${context.source} failed:`, error);
}
