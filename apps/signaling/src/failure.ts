import type { Failure, SignalingErrorCode } from '@conclave/protocol';

/** The `{ ok: false }` acknowledgement for `code`. */
export function failure(code: SignalingErrorCode, message: string): Failure {
  return { ok: false, error: { code, message } };
}

/** Thrown inside a handler to end the request with a typed failure. */
export class RequestRejected extends Error {
  constructor(
    readonly code: SignalingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
