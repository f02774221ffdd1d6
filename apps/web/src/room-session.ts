import type { Room } from '@conclave/mesh';

/** Where this tab stands with its room. */
export type SessionState =
  | {
      readonly status: 'joining';
      /** Failed attempts so far (retried automatically), and why the last one failed. */
      readonly retries: number;
      readonly lastError: string | undefined;
    }
  | { readonly status: 'joined'; readonly room: Room }
  | { readonly status: 'leaving'; readonly room: Room }
  | { readonly status: 'left' }
  | { readonly status: 'failed'; readonly error: string };

/**
 * The tab's membership of its room, as an external store (fits `useSyncExternalStore`): joins, leaves and
 * rejoins, retries joins that failed for a passing reason, and never leaks a room that resolves after the
 * session moved on.
 */
export interface RoomSession {
  state(): SessionState;
  subscribe(listener: () => void): () => void;
  /** Join (again) unless already joining or joined. */
  join(): void;
  /** Leave the room (hands over leadership first); no-op unless joined. Also stops a pending retry. */
  leave(): Promise<void>;
}

export interface RoomSessionOptions {
  /** One join attempt. */
  joinOnce: () => Promise<Room>;
  /** Whether a failed attempt is worth retrying (e.g. signaling unreachable), rather than final (e.g. forbidden). */
  isRetryable?: (error: unknown) => boolean;
  /** Delay before retry number `retry` (1-based). Default: 1 s doubling up to 30 s. */
  retryDelayMs?: (retry: number) => number;
  /** Timers, injectable for tests. */
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const defaultRetryDelayMs = (retry: number): number => Math.min(30_000, 1_000 * 2 ** (retry - 1));

/** Creates a session; the first join starts at once. */
export function createRoomSession(options: RoomSessionOptions): RoomSession {
  const {
    joinOnce,
    isRetryable = () => false,
    retryDelayMs = defaultRetryDelayMs,
    setTimer = (callback, ms) => setTimeout(callback, ms),
    clearTimer = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  } = options;
  let state: SessionState = { status: 'left' };
  let attempt = 0;
  let retryTimer: unknown;
  const listeners = new Set<() => void>();

  const set = (next: SessionState): void => {
    state = next;
    for (const listener of [...listeners]) listener();
  };

  const cancelRetry = (): void => {
    if (retryTimer !== undefined) clearTimer(retryTimer);
    retryTimer = undefined;
  };

  const tryJoin = (retries: number): void => {
    const mine = ++attempt;
    joinOnce().then(
      (room) => {
        if (mine === attempt) set({ status: 'joined', room });
        else void room.leave();
      },
      (error: unknown) => {
        if (mine !== attempt) return;
        if (!isRetryable(error)) {
          set({ status: 'failed', error: describe(error) });
          return;
        }
        set({ status: 'joining', retries: retries + 1, lastError: describe(error) });
        retryTimer = setTimer(
          () => {
            retryTimer = undefined;
            if (mine === attempt) tryJoin(retries + 1);
          },
          retryDelayMs(retries + 1),
        );
      },
    );
  };

  const join = (): void => {
    if (state.status === 'joining' || state.status === 'joined' || state.status === 'leaving') return;
    set({ status: 'joining', retries: 0, lastError: undefined });
    tryJoin(0);
  };

  const leave = async (): Promise<void> => {
    if (state.status === 'joining') {
      // Give up joining: a pending attempt's room is left as soon as it arrives.
      attempt++;
      cancelRetry();
      set({ status: 'left' });
      return;
    }
    if (state.status !== 'joined') return;
    const { room } = state;
    attempt++;
    set({ status: 'leaving', room });
    try {
      await room.leave();
    } finally {
      set({ status: 'left' });
    }
  };

  const session: RoomSession = {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    join,
    leave,
  };
  join();
  return session;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
