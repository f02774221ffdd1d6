/**
 * Why a Conclave hook or {@link ConclaveRoom} refused to run:
 * - `no-room`: a hook was used outside a {@link ConclaveRoom};
 * - `invalid-options`: {@link ConclaveRoom}'s props or {@link createRoomSession}'s arguments are not usable
 *   (no `signalingUrl` or `room`, a `retry` that is not an object or `false`, a `session` of another kind).
 *
 * Failures to join (`JoinRoomError` from `@conclave/mesh`) are not thrown: they are in {@link RoomState}.
 */
export type ConclaveReactErrorCode = 'no-room' | 'invalid-options';

/** The typed error the React bindings throw for a programming mistake. */
export class ConclaveReactError extends Error {
  override readonly name = 'ConclaveReactError';
  constructor(
    readonly code: ConclaveReactErrorCode,
    message: string,
  ) {
    super(message);
  }
}
