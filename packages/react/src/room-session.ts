import { JoinRoomError, type JoinRoomOptions, joinRoom, type Room } from '@conclave/mesh';
import { Listeners } from '@conclave/protocol';
import { ConclaveReactError } from './errors';
import { type JoinRetry, type RetryPolicy, retryDelay, retryPolicy } from './join-retry';

/** Where a room session stands. `room` is set while joined and while leaving. */
export type RoomState =
  /**
   * Joining: the first attempt, or (`retries` > 0) waiting for / making a retry after a passing failure;
   * `error` is the last attempt's `JoinRoomError`.
   */
  | {
      readonly status: 'joining';
      readonly room: undefined;
      readonly error: JoinRoomError | undefined;
      readonly retries: number;
    }
  | { readonly status: 'joined'; readonly room: Room; readonly error: undefined; readonly retries: 0 }
  /** Handing over leadership and closing links; `left` follows. */
  | { readonly status: 'leaving'; readonly room: Room; readonly error: undefined; readonly retries: 0 }
  /** `error.code` says why (`room-full`, `forbidden`, `timeout`, `invalid-options`, ...). */
  | {
      readonly status: 'failed';
      readonly room: undefined;
      readonly error: JoinRoomError;
      readonly retries: 0;
    }
  | { readonly status: 'left'; readonly room: undefined; readonly error: undefined; readonly retries: 0 };

/** How a session joins: `joinRoom` from `@conclave/mesh` unless a test says otherwise. */
export type JoinRoom = (options: JoinRoomOptions) => Promise<Room>;

/** Settings of {@link createRoomSession} (and of {@link ConclaveRoom} beside its `options`). */
export interface RoomSessionSettings {
  /** Retrying failed joins; `false`: never. Default: `timeout` failures, 1 s doubling to 30 s, no limit. */
  readonly retry?: JoinRetry | false;
  /** Advanced (tests): the join function, `joinRoom` from `@conclave/mesh` by default. */
  readonly join?: JoinRoom;
}

/**
 * One tab's membership of one room, as an external store (its `getState` and `subscribe` fit React's
 * `useSyncExternalStore` and may be passed around unbound): joins, retries passing failures, leaves and
 * joins again, and never keeps a room whose join completed after the session moved on.
 */
export interface RoomSession {
  /** The current state: the same object until the next change. */
  readonly getState: () => RoomState;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe: (listener: () => void) => () => void;
  /** Joins (again) unless joining, joined or leaving. */
  readonly join: () => void;
  /**
   * Leaves: hands leadership over and closes every link, then `left`. While joining it gives up instead
   * (a join that completes later is left at once). No-op when not joining or joined.
   */
  readonly leave: () => Promise<void>;
}

const joining = (retries: number, error: JoinRoomError | undefined): RoomState => ({
  status: 'joining',
  room: undefined,
  error,
  retries,
});
const left: RoomState = { status: 'left', room: undefined, error: undefined, retries: 0 };

/**
 * A session you own, outside React (e.g. created in `main.tsx`, so that other code can follow the room
 * too); hand it to `<ConclaveRoom session={...}>`. It starts joining at once and stays in the room until
 * you call `leave()`: unmounting a {@link ConclaveRoom} does not leave it.
 * @throws {ConclaveReactError} `invalid-options` for options without a `signalingUrl` or `room`, or a bad `retry`.
 */
export function createRoomSession(options: JoinRoomOptions, settings: RoomSessionSettings = {}): RoomSession {
  const session = new ManagedRoomSession(options, settings);
  session.join();
  return session;
}

/** Throws the typed error for options `joinRoom` could not even start with. */
export function checkJoinOptions(options: unknown): asserts options is JoinRoomOptions {
  if (
    typeof options !== 'object' ||
    options === null ||
    typeof (options as JoinRoomOptions).signalingUrl !== 'string' ||
    typeof (options as JoinRoomOptions).room !== 'string'
  ) {
    throw new ConclaveReactError('invalid-options', 'room options need a signalingUrl and a room (strings)');
  }
}

/**
 * The session behind {@link createRoomSession} and {@link ConclaveRoom}. Inert until `join()` (a
 * ConclaveRoom makes sessions during render, which React may throw away). For a ConclaveRoom that owns it,
 * `retain`/`release` count mounts: React's StrictMode mounts, unmounts and mounts again at once, so the
 * unmount only schedules the close (next macrotask) and a mount before it runs takes the session back:
 * one join, no room left behind. A closed session stays closed: a later mount makes a new one.
 */
export class ManagedRoomSession implements RoomSession {
  #state: RoomState = joining(0, undefined);
  /** Bumped to disown the attempt in flight (its room, if it ever comes, is left at once). */
  #attempt = 0;
  /** An attempt, or the wait for a retry, is in progress. */
  #trying = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #holders = 0;
  #pendingClose: ReturnType<typeof setTimeout> | undefined;
  readonly #listeners = new Listeners<[]>();
  readonly #options: JoinRoomOptions;
  readonly #retry: RetryPolicy;
  readonly #join: JoinRoom;

  constructor(options: JoinRoomOptions, settings: RoomSessionSettings) {
    checkJoinOptions(options);
    this.#options = options;
    this.#retry = retryPolicy(settings.retry);
    this.#join = settings.join ?? joinRoom;
  }

  readonly getState = (): RoomState => this.#state;

  readonly subscribe = (listener: () => void): (() => void) => this.#listeners.add(listener);

  readonly join = (): void => {
    if (this.#closed || this.#trying) return;
    if (this.#state.status === 'joined' || this.#state.status === 'leaving') return;
    this.#trying = true;
    if (this.#state.status !== 'joining') this.#set(joining(0, undefined));
    this.#try(0);
  };

  readonly leave = async (): Promise<void> => {
    if (this.#trying) {
      this.#disown();
      this.#set(left);
      return;
    }
    const state = this.#state;
    if (state.status !== 'joined') return;
    this.#attempt++;
    this.#set({ status: 'leaving', room: state.room, error: undefined, retries: 0 });
    try {
      await state.room.leave();
    } finally {
      this.#set(left);
    }
  };

  get closed(): boolean {
    return this.#closed;
  }

  /** A mount holds the session: starts the first join, cancels a close scheduled by the last unmount. */
  retain(): void {
    this.#holders += 1;
    if (this.#pendingClose !== undefined) {
      clearTimeout(this.#pendingClose);
      this.#pendingClose = undefined;
    }
    if (this.#attempt === 0 && !this.#trying) this.join();
  }

  /** An unmount lets go; once nobody holds it by the next macrotask, the session leaves and closes. */
  release(): void {
    this.#holders -= 1;
    if (this.#holders > 0 || this.#pendingClose !== undefined) return;
    this.#pendingClose = setTimeout(() => {
      this.#pendingClose = undefined;
      if (this.#holders === 0) this.#close();
    }, 0);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // A leave that fails still ends the session: nothing is left to retry it.
    this.leave().catch(() => {});
  }

  #try(retries: number): void {
    const mine = ++this.#attempt;
    // A join function that throws instead of rejecting fails the attempt the same way.
    new Promise<Room>((resolve) => resolve(this.#join(this.#options))).then(
      (room) => {
        if (mine !== this.#attempt) {
          room.leave().catch(() => {});
          return;
        }
        this.#trying = false;
        this.#set({ status: 'joined', room, error: undefined, retries: 0 });
      },
      (error: unknown) => {
        if (mine !== this.#attempt) return;
        const typed = toJoinRoomError(error);
        const retry = retries + 1;
        if (retry > this.#retry.maxRetries || !this.#retry.retryable(typed)) {
          this.#trying = false;
          this.#set({ status: 'failed', room: undefined, error: typed, retries: 0 });
          return;
        }
        this.#set(joining(retry, typed));
        this.#retryTimer = setTimeout(
          () => {
            this.#retryTimer = undefined;
            if (mine === this.#attempt) this.#try(retry);
          },
          retryDelay(this.#retry, retry),
        );
      },
    );
  }

  /** Gives up the attempt in flight and any retry waiting. */
  #disown(): void {
    this.#attempt++;
    this.#trying = false;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #set(state: RoomState): void {
    this.#state = state;
    this.#listeners.emit();
  }
}

/** A join function may reject with anything; the state always carries a `JoinRoomError`. */
function toJoinRoomError(error: unknown): JoinRoomError {
  return error instanceof JoinRoomError
    ? error
    : new JoinRoomError('invalid-response', error instanceof Error ? error.message : String(error));
}

/** What identifies a join: two option sets with the same key share a session across re-renders. */
export function sessionKey(options: JoinRoomOptions): string {
  return JSON.stringify([
    options.signalingUrl,
    options.room,
    options.secret ?? null,
    options.transports ?? null,
    options.faults ?? false,
  ]);
}
