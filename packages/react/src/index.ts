/**
 * React bindings for Conclave: {@link ConclaveRoom} joins a room while mounted; hooks read its leadership,
 * shared values, and run work on the leader.
 * @packageDocumentation
 */
export { ConclaveRoom, type ConclaveRoomProps, useRoom } from './conclave-room';
export { ConclaveReactError, type ConclaveReactErrorCode } from './errors';
export {
  type CallLeader,
  type Leadership,
  type SharedState,
  useCallLeader,
  useLeadership,
  useRunWhileLeader,
  useShared,
} from './hooks';
export type { JoinRoom, RoomState } from './room-session';
