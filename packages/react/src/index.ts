/**
 * React bindings for Conclave: {@link ConclaveRoom} joins a room while mounted; hooks read its leadership,
 * shared values, and run work on the leader.
 * @packageDocumentation
 */
export { ConclaveRoom, type ConclaveRoomProps, type RoomControls, useRoom } from './conclave-room';
export { ConclaveReactError, type ConclaveReactErrorCode } from './errors';
export {
  type CallLeader,
  type CallLeaderDetailed,
  type Leadership,
  type SharedState,
  useCallLeader,
  useCallLeaderDetailed,
  useLeadership,
  useRunWhileLeader,
  useServe,
  useShared,
} from './hooks';
export type { JoinRetry } from './join-retry';
export {
  createRoomSession,
  type JoinRoom,
  type RoomSession,
  type RoomSessionSettings,
  type RoomState,
} from './room-session';
