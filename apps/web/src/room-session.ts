import type { Room } from '@conclave/mesh';

/** Where this tab stands with its room. */
export type SessionState =
  | { readonly status: 'joining' }
  | { readonly status: 'joined'; readonly room: Room }
  | { readonly status: 'leaving'; readonly room: Room }
  | { readonly status: 'left' }
  | { readonly status: 'failed'; readonly error: string };

/**
 * The tab's membership of its room, as an external store (fits `useSyncExternalStore`): joins, leaves and
 * rejoins, and never leaks a room that resolves after the session moved on.
 */
export interface RoomSession {
  state(): SessionState;
  subscribe(listener: () => void): () => void;
  /** Join (again) unless already joining or joined. */
  join(): void;
  /** Leave the room (hands over leadership first); no-op unless joined. */
  leave(): Promise<void>;
}

/** Creates a session that joins with `joinOnce`; the first join starts at once. */
export function createRoomSession(joinOnce: () => Promise<Room>): RoomSession {
  let state: SessionState = { status: 'left' };
  let attempt = 0;
  const listeners = new Set<() => void>();

  const set = (next: SessionState): void => {
    state = next;
    for (const listener of [...listeners]) listener();
  };

  const join = (): void => {
    if (state.status === 'joining' || state.status === 'joined' || state.status === 'leaving') return;
    const mine = ++attempt;
    set({ status: 'joining' });
    joinOnce().then(
      (room) => {
        if (mine === attempt) set({ status: 'joined', room });
        else void room.leave();
      },
      (error: unknown) => {
        if (mine === attempt) set({ status: 'failed', error: describe(error) });
      },
    );
  };

  const leave = async (): Promise<void> => {
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
