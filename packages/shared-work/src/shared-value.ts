import { throughJson } from '@conclave/protocol';
import type { core } from 'zod/mini';
import type { Channel } from './channel';
import { NotLeaderError, SharedWorkUsageError } from './errors';
import { sharedWorkLimits as limits } from './limits';
import type { RoomCore } from './room-core';
import type { SharedEntry, SharedStore } from './shared-store';
import type { StateMessage } from './wire';

/** Options of {@link LeaderWork.shared}. */
export interface SharedOptions<T> {
  /**
   * Validates every value, published here or received: received values that fail are dropped (and
   * counted as invalid), a publish that fails throws. Use a plain validating schema (no transforms):
   * what crosses the wire is the published value. Any zod 4 schema (`zod` or `zod/mini`).
   */
  schema?: core.$ZodType<T>;
}

/** Options of {@link SharedValue.publish}. */
export interface PublishOptions {
  /**
   * Fencing token: publish only while this is still the current term (pass the task's `ctx.term`), so
   * a task that outlived its leadership cannot publish into a newer one.
   */
  term?: number;
}

/**
 * A value the leader publishes and every tab sees, with the term it came from. Fits React's
 * `useSyncExternalStore(value.subscribe, value.get)`: `get()` returns the same object until the next change.
 */
export interface SharedValue<T> {
  readonly name: string;
  /** The newest value this tab accepted (or published), or undefined before the first. */
  get(): SharedEntry<T> | undefined;
  /** Called with every newly accepted value. Returns the unsubscribe function. */
  subscribe(listener: (entry: SharedEntry<T>) => void): () => void;
  /**
   * Publishes a new value to every tab (the leader only), at this leader's term and the next version.
   * Throws {@link NotLeaderError} on a follower, when `options.term` is no longer the current term, or when
   * a value of a newer term is already held (this leadership is stale); throws {@link SharedWorkUsageError}
   * when the value has no JSON form, is larger than {@link sharedWorkLimits.maxValueBytes} or fails the
   * schema, or after dispose. Nothing changes when it throws.
   */
  publish(value: T, options?: PublishOptions): SharedEntry<T>;
}

/** What a shared value handle needs from its {@link LeaderWork}. */
export interface SharedValueDeps {
  readonly core: RoomCore;
  readonly store: SharedStore;
  readonly channel: Channel;
  readonly isDisposed: () => boolean;
}

/** A handle on the store's slot `name` (claimed already). */
export function createSharedValue<T>(name: string, deps: SharedValueDeps): SharedValue<T> {
  const { core, store, channel } = deps;
  return {
    name,
    get: () => store.get(name) as SharedEntry<T> | undefined,
    subscribe: (listener) => store.subscribe(name, listener as (entry: SharedEntry<unknown>) => void),
    publish(value, options) {
      if (deps.isDisposed()) throw new SharedWorkUsageError('disposed', 'shared-work was disposed');
      const leadership = core.leadership();
      if (!leadership.isLeader) {
        throw new NotLeaderError(`only the leader publishes "${name}"`, leadership.leaderId, leadership.term);
      }
      if (options?.term !== undefined && options.term !== leadership.term) {
        throw new NotLeaderError(
          `the leadership of term ${options.term} is over (the term is ${leadership.term})`,
          leadership.leaderId,
          leadership.term,
        );
      }
      const held = store.get(name);
      if (held !== undefined && held.term > leadership.term) {
        throw new NotLeaderError(
          `"${name}" holds a value of term ${held.term}, newer than this leadership's ${leadership.term}`,
          leadership.leaderId,
          leadership.term,
        );
      }
      const wire = throughJson(value, limits.maxValueBytes);
      if (wire === undefined) {
        throw new SharedWorkUsageError(
          'invalid-argument',
          `"${name}": the value has no JSON form or is larger than ${limits.maxValueBytes} bytes`,
        );
      }
      if (store.validate(name, wire.value) === undefined) {
        throw new SharedWorkUsageError('invalid-argument', `"${name}": the value fails the schema`);
      }
      const entry = { value: wire.value, term: leadership.term, version: (held?.version ?? 0) + 1 };
      store.offer(name, entry);
      channel.broadcast<StateMessage>({ kind: 'state', name, ...entry });
      return store.get(name) as SharedEntry<T>;
    },
  };
}
