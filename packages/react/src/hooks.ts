import type { Role } from '@conclave/election';
import {
  type CallHandler,
  type CallOptions,
  type LeaderCallResult,
  type LeaderTask,
  type ServeOptions,
  type SharedEntry,
  type SharedOptions,
  SharedWorkUsageError,
} from '@conclave/shared-work';
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useRoom } from './conclave-room';

/**
 * Runs `use` on the room's shared work, or gives undefined once the room is leaving: `Room.leave()` disposes
 * it at once, and a component may still render (or mount) until the session says `left`.
 */
function unlessDisposed<T>(use: () => T): T | undefined {
  try {
    return use();
  } catch (error) {
    if (error instanceof SharedWorkUsageError && error.code === 'disposed') return undefined;
    throw error;
  }
}

/** Who leads, as this tab sees it. Before the join completes: a follower of nobody, term 0. */
export interface Leadership {
  readonly role: Role;
  readonly leaderId: string | undefined;
  readonly term: number;
  readonly isLeader: boolean;
}

const noLeadership: Leadership = { role: 'follower', leaderId: undefined, term: 0, isLeader: false };
const noSubscription = () => () => {};

/**
 * The room's leadership, re-rendering when it changes. It follows `Room.leadership()` and its change
 * events, not every room change: rebuilding the room's snapshot on each one costs a busy room dearly.
 */
export function useLeadership(): Leadership {
  const { room } = useRoom();
  const last = useRef<Leadership>(noLeadership);
  const read = useCallback((): Leadership => {
    if (room === undefined) return noLeadership;
    const { isLeader, leaderId, term } = room.leadership();
    const previous = last.current;
    if (previous.isLeader === isLeader && previous.leaderId === leaderId && previous.term === term) {
      return previous;
    }
    last.current = { role: isLeader ? 'leader' : 'follower', leaderId, term, isLeader };
    return last.current;
  }, [room]);
  // Room methods need their `this`: never pass them unbound.
  const subscribe = useCallback(
    (listener: () => void) => (room === undefined ? () => {} : room.onLeadershipChange(() => listener())),
    [room],
  );
  return useSyncExternalStore(subscribe, read, read);
}

/** A shared value and the way to publish it (the leader publishes; anyone else's publish throws). */
export interface SharedState<T> {
  /** The newest value accepted, with its term and version; undefined before any. */
  readonly entry: SharedEntry<T> | undefined;
  /** Publishes a new value (leader only); throws like `SharedValue.publish`, or when not joined yet. */
  readonly publish: (value: T, options?: { term?: number }) => SharedEntry<T>;
}

/**
 * The room's shared value `name`, validated with `options.schema` (any zod 4 schema), re-rendering on
 * every accepted value. The schema is read when the value is first claimed in a room. Throws `SharedWorkUsageError` for a bad name or a second, different schema.
 */
export function useShared<T = unknown>(name: string, options?: SharedOptions<T>): SharedState<T> {
  const { room } = useRoom();
  // Claimed once per room and name, with the schema of that render: an inline schema (a new object each
  // render) must not count as a second schema. The handle outlives the leave.
  const schema = useRef(options?.schema);
  schema.current = options?.schema;
  const shared = useMemo(
    () =>
      room === undefined ? undefined : unlessDisposed(() => room.shared<T>(name, { schema: schema.current })),
    [room, name],
  );
  const read = useCallback(() => shared?.get(), [shared]);
  const entry = useSyncExternalStore(shared?.subscribe ?? noSubscription, read, read);
  const publish = useCallback(
    (value: T, publishOptions?: { term?: number }): SharedEntry<T> => {
      if (shared === undefined) throw new Error(`cannot publish "${name}": the room is not joined`);
      return shared.publish(value, publishOptions);
    },
    [shared, name],
  );
  return { entry, publish };
}

/**
 * Runs `task` whenever this tab leads (see `Room.runWhileLeader`): its `signal` aborts when the
 * leadership ends or the component unmounts. The newest `task` is used; changing it does not restart a run.
 */
export function useRunWhileLeader(task: LeaderTask): void {
  const { room } = useRoom();
  const latest = useRef(task);
  latest.current = task;
  useEffect(() => {
    if (room === undefined) return;
    return unlessDisposed(() => room.runWhileLeader((context) => latest.current(context)));
  }, [room]);
}

/** Calls a method on the leader (see `Room.callLeader`); rejects when the room is not joined. */
export type CallLeader = <T = unknown>(method: string, args?: unknown, options?: CallOptions) => Promise<T>;

/** A stable function that calls the leader of the enclosing room. */
export function useCallLeader(): CallLeader {
  const { room } = useRoom();
  return useCallback<CallLeader>(
    <T = unknown>(method: string, args?: unknown, options?: CallOptions): Promise<T> =>
      room === undefined
        ? Promise.reject(new Error(`cannot call "${method}": the room is not joined`))
        : room.callLeader<T>(method, args, options),
    [room],
  );
}

/** Like {@link CallLeader}, resolving with the result's term, the answering leader and the attempts made. */
export type CallLeaderDetailed = <T = unknown>(
  method: string,
  args?: unknown,
  options?: CallOptions,
) => Promise<LeaderCallResult<T>>;

/** A stable function that calls the leader (see `Room.callLeaderDetailed`); rejects when the room is not joined. */
export function useCallLeaderDetailed(): CallLeaderDetailed {
  const { room } = useRoom();
  return useCallback<CallLeaderDetailed>(
    <T = unknown>(method: string, args?: unknown, options?: CallOptions): Promise<LeaderCallResult<T>> =>
      room === undefined
        ? Promise.reject(new Error(`cannot call "${method}": the room is not joined`))
        : room.callLeaderDetailed<T>(method, args, options),
    [room],
  );
}

/**
 * Serves `method` while mounted and joined (see `Room.serve`): register it in every tab, whoever leads
 * answers. The newest `handler` answers; a change of `method` or of `options.args` (keep the schema object
 * stable) registers again. Throws `SharedWorkUsageError` like `Room.serve` (bad name, served twice).
 */
export function useServe<A = unknown, R = unknown>(
  method: string,
  handler: CallHandler<A, R>,
  options?: ServeOptions<A>,
): void {
  const { room } = useRoom();
  const latest = useRef(handler);
  latest.current = handler;
  const args = options?.args;
  useEffect(() => {
    if (room === undefined) return;
    return unlessDisposed(() =>
      room.serve<A, R>(
        method,
        (callArgs, context) => latest.current(callArgs, context),
        args === undefined ? undefined : { args },
      ),
    );
  }, [room, method, args]);
}
