import { type JoinRoomOptions, joinRoom } from '@conclave/mesh';
import { createContext, type ReactNode, useContext, useEffect, useRef, useSyncExternalStore } from 'react';
import { ConclaveReactError } from './errors';
import { type JoinRoom, RoomSession, type RoomState, sessionKey } from './room-session';

const RoomContext = createContext<RoomState | undefined>(undefined);

export interface ConclaveRoomProps {
  /** What `joinRoom` gets. A change of `signalingUrl`, `room` or `secret` leaves and joins again. */
  options: JoinRoomOptions;
  children?: ReactNode;
  /** Advanced (tests): the join function, `joinRoom` from `@conclave/mesh` by default. */
  join?: JoinRoom;
}

/**
 * Joins a room while mounted and leaves it on unmount; the hooks below it read that room. Safe under
 * StrictMode (one join). A failed join does not throw: `useRoom()` reports `status: 'failed'` with the
 * `JoinRoomError` (its `code` says why).
 * @throws {ConclaveReactError} `invalid-options` when `options` lacks `signalingUrl` or `room`.
 */
export function ConclaveRoom({ options, children, join = joinRoom }: ConclaveRoomProps): ReactNode {
  if (
    typeof options !== 'object' ||
    options === null ||
    typeof options.signalingUrl !== 'string' ||
    typeof options.room !== 'string'
  ) {
    throw new ConclaveReactError(
      'invalid-options',
      'ConclaveRoom needs options with a signalingUrl and a room (strings)',
    );
  }
  const key = sessionKey(options);
  const sessionRef = useRef<RoomSession | undefined>(undefined);
  let session = sessionRef.current;
  if (session === undefined || session.key !== key || session.closed) {
    session = new RoomSession(key, options, join);
    sessionRef.current = session;
  }
  const current = session;
  useEffect(() => {
    current.retain();
    return () => current.release();
  }, [current]);
  const state = useSyncExternalStore(current.subscribe, current.getState, current.getState);
  return <RoomContext.Provider value={state}>{children}</RoomContext.Provider>;
}

/**
 * The enclosing {@link ConclaveRoom}'s state: `joining`, `joined` (with the `Room`), `failed` (with the
 * `JoinRoomError`) or `left`.
 * @throws {ConclaveReactError} `no-room` outside a {@link ConclaveRoom}.
 */
export function useRoom(): RoomState {
  const state = useContext(RoomContext);
  if (state === undefined) {
    throw new ConclaveReactError('no-room', 'Conclave hooks must be used inside <ConclaveRoom>');
  }
  return state;
}
