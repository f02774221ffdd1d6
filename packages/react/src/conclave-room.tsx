import type { JoinRoomOptions } from '@conclave/mesh';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import { ConclaveReactError } from './errors';
import type { JoinRetry } from './join-retry';
import {
  checkJoinOptions,
  type JoinRoom,
  ManagedRoomSession,
  type RoomSession,
  type RoomState,
  sessionKey,
} from './room-session';

interface RoomContextValue {
  readonly state: RoomState;
  readonly session: RoomSession;
}

const RoomContext = createContext<RoomContextValue | undefined>(undefined);

export type ConclaveRoomProps =
  | {
      /** What `joinRoom` gets. A change of `signalingUrl`, `room`, `secret`, `transports` or `faults` leaves and joins again. */
      readonly options: JoinRoomOptions;
      /** Retrying failed joins (read when the join starts); `false`: never. Default: `timeout` failures, 1 s doubling to 30 s. */
      readonly retry?: JoinRetry | false;
      /** Advanced (tests): the join function, `joinRoom` from `@conclave/mesh` by default. */
      readonly join?: JoinRoom;
      readonly session?: undefined;
      readonly children?: ReactNode;
    }
  | {
      /** A session from {@link createRoomSession}: you own it (this component neither joins nor leaves it). */
      readonly session: RoomSession;
      readonly options?: undefined;
      readonly retry?: undefined;
      readonly join?: undefined;
      readonly children?: ReactNode;
    };

/**
 * Gives its children a room. With `options`, it joins while mounted and leaves on unmount (once, also under
 * StrictMode); with `session`, it shows a session you created with {@link createRoomSession} and manage.
 * A failed join does not throw: `useRoom()` reports `status: 'failed'` with the `JoinRoomError` (its `code`
 * says why), and while a passing failure is retried, `status: 'joining'` with `retries` and that `error`.
 * @throws {ConclaveReactError} `invalid-options` without a `session` or `options` with a `signalingUrl`
 * and a `room`, or with a bad `retry`.
 */
export function ConclaveRoom(props: ConclaveRoomProps): ReactNode {
  return props.session === undefined ? (
    <OwnedRoom options={props.options} retry={props.retry} join={props.join}>
      {props.children}
    </OwnedRoom>
  ) : (
    <SessionRoom session={props.session}>{props.children}</SessionRoom>
  );
}

function OwnedRoom({
  options,
  retry,
  join,
  children,
}: {
  options: JoinRoomOptions;
  retry: JoinRetry | false | undefined;
  join: JoinRoom | undefined;
  children: ReactNode;
}): ReactNode {
  checkJoinOptions(options);
  const key = sessionKey(options);
  const owned = useRef<{ key: string; session: ManagedRoomSession } | undefined>(undefined);
  let current = owned.current;
  if (current === undefined || current.key !== key || current.session.closed) {
    current = {
      key,
      session: new ManagedRoomSession(options, {
        ...(retry === undefined ? {} : { retry }),
        ...(join ? { join } : {}),
      }),
    };
    owned.current = current;
  }
  const { session } = current;
  useEffect(() => {
    session.retain();
    return () => session.release();
  }, [session]);
  return <SessionRoom session={session}>{children}</SessionRoom>;
}

function SessionRoom({ session, children }: { session: RoomSession; children: ReactNode }): ReactNode {
  if (typeof session !== 'object' || session === null || typeof session.getState !== 'function') {
    throw new ConclaveReactError('invalid-options', 'ConclaveRoom: session must come from createRoomSession');
  }
  const state = useSyncExternalStore(session.subscribe, session.getState, session.getState);
  const value = useMemo(() => ({ state, session }), [state, session]);
  return <RoomContext.Provider value={value}>{children}</RoomContext.Provider>;
}

/** {@link RoomState} with the ways to leave and to join again. */
export type RoomControls = RoomState & {
  /** Leaves the room (see {@link RoomSession.leave}); the component stays mounted, in state `left`. */
  readonly leave: () => Promise<void>;
  /** Joins again after a leave or a failure (no-op while joining, joined or leaving). */
  readonly rejoin: () => void;
};

/**
 * The enclosing {@link ConclaveRoom}'s state — `joining` (with `retries` and the last `error`), `joined`
 * (with the `Room`), `leaving`, `failed` (with the `JoinRoomError`) or `left` — and `leave`/`rejoin`.
 * @throws {ConclaveReactError} `no-room` outside a {@link ConclaveRoom}.
 */
export function useRoom(): RoomControls {
  const context = useContext(RoomContext);
  if (context === undefined) {
    throw new ConclaveReactError('no-room', 'Conclave hooks must be used inside <ConclaveRoom>');
  }
  const { state, session } = context;
  return useMemo(() => ({ ...state, leave: session.leave, rejoin: session.join }), [state, session]);
}
