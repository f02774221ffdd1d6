/** Every error the signaling server reports, by code. Clients switch on `code`; `message` is for humans. */
export const signalingErrorCodes = [
  'invalid-payload', // the event's payload failed validation
  'missing-ack', // an event that needs an acknowledgement callback was sent without one
  'unknown-event', // an event the protocol does not define
  'rate-limited', // the socket sent too many events, or its room had too many joins lately
  'room-full', // the room is at capacity
  'server-full', // the server is at its peer limit
  'forbidden', // wrong or missing room secret
  'invalid-resume', // resume token is malformed, forged or for another room
  'already-joined', // this socket is already in a room
  'not-joined', // the socket must join a room first
  'unknown-peer', // `to` is not a peer in the sender's room
  'unavailable', // the server cannot reach what it shares with other servers (Redis); retry shortly
  'internal', // a bug on the server; details are in its log
] as const;

export type SignalingErrorCode = (typeof signalingErrorCodes)[number];

export interface SignalingErrorBody {
  code: SignalingErrorCode;
  message: string;
}

/** A typed error for clients: thrown by helpers that turn a failed acknowledgement into an exception. */
export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  constructor(
    readonly code: SignalingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
