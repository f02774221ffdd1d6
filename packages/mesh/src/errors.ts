import type { SignalingErrorCode } from '@conclave/protocol';

/**
 * Why {@link joinRoom} failed: a signaling error code (`forbidden`, `room-full`, ...) as the server reported
 * it, or one of the mesh's own:
 * - `invalid-options`: the options failed validation (nothing was started);
 * - `no-webrtc`: this environment has no WebRTC (pass `wrtc` in Node);
 * - `timeout`: no successful join within `joinTimeoutMs` (server unreachable, or kept failing);
 * - `invalid-response`: the server answered with something that is not the protocol.
 */
export type JoinRoomErrorCode =
  | SignalingErrorCode
  | 'invalid-options'
  | 'no-webrtc'
  | 'timeout'
  | 'invalid-response';

/** The typed error {@link joinRoom} rejects with. */
export class JoinRoomError extends Error {
  override readonly name = 'JoinRoomError';
  constructor(
    readonly code: JoinRoomErrorCode,
    message: string,
  ) {
    super(message);
  }
}
