import { JoinRoomError, type JoinRoomOptions, type Room } from '@conclave/mesh';

/** Where a {@link ConclaveRoom}'s join stands. */
export type RoomState =
  | { readonly status: 'joining'; readonly room: undefined; readonly error: undefined }
  | { readonly status: 'joined'; readonly room: Room; readonly error: undefined }
  /** `error.code` says why (`room-full`, `forbidden`, `timeout`, `invalid-options`, ...). */
  | { readonly status: 'failed'; readonly room: undefined; readonly error: JoinRoomError }
  | { readonly status: 'left'; readonly room: undefined; readonly error: undefined };

export type JoinRoom = (options: JoinRoomOptions) => Promise<Room>;

const joining: RoomState = { status: 'joining', room: undefined, error: undefined };
const left: RoomState = { status: 'left', room: undefined, error: undefined };

/**
 * One join of one room, shared by the mounts of one component. React's StrictMode mounts, unmounts and
 * mounts again at once: the unmount only schedules the leave (next macrotask), and a mount before it runs
 * takes the session back, so there is one join and no room left behind. The join starts at the first
 * mount, never during render. A session that was let go stays
 * closed: a later mount makes a new one.
 */
export class RoomSession {
  #state: RoomState = joining;
  #holders = 0;
  #closed = false;
  #pendingRelease: ReturnType<typeof setTimeout> | undefined;
  readonly #listeners = new Set<() => void>();

  #started = false;

  /** Inert until first retained: render may make sessions it then throws away. */
  constructor(
    readonly key: string,
    private readonly options: JoinRoomOptions,
    private readonly join: JoinRoom,
  ) {}

  #start(): void {
    this.#started = true;
    this.join(this.options).then(
      (room) => {
        if (this.#closed) {
          void room.leave();
          return;
        }
        this.#set({ status: 'joined', room, error: undefined });
      },
      (error: unknown) => {
        if (this.#closed) return;
        const typed =
          error instanceof JoinRoomError
            ? error
            : new JoinRoomError('invalid-response', error instanceof Error ? error.message : String(error));
        this.#set({ status: 'failed', room: undefined, error: typed });
      },
    );
  }

  /** For `useSyncExternalStore`: the same object until the next change. */
  readonly getState = (): RoomState => this.#state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  get closed(): boolean {
    return this.#closed;
  }

  /** A mount holds the session; cancels a leave scheduled by the previous unmount. */
  retain(): void {
    this.#holders += 1;
    if (!this.#started) this.#start();
    if (this.#pendingRelease !== undefined) {
      clearTimeout(this.#pendingRelease);
      this.#pendingRelease = undefined;
    }
  }

  /** An unmount lets go; once nobody holds it by the next macrotask, the room is left. */
  release(): void {
    this.#holders -= 1;
    if (this.#holders > 0 || this.#pendingRelease !== undefined) return;
    this.#pendingRelease = setTimeout(() => {
      this.#pendingRelease = undefined;
      if (this.#holders === 0) this.#close();
    }, 0);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const room = this.#state.room;
    this.#set(left);
    if (room !== undefined) void room.leave();
  }

  #set(state: RoomState): void {
    this.#state = state;
    for (const listener of [...this.#listeners]) listener();
  }
}

/** What identifies a join: two option sets with the same key share a session across re-renders. */
export function sessionKey(options: JoinRoomOptions): string {
  return JSON.stringify([options.signalingUrl, options.room, options.secret ?? null]);
}
