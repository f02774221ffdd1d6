/**
 * The signaling protocol as the README states it, written out by hand for the fuzz tests: what a valid
 * `join` and `signal` payload is. Deliberately independent of @conclave/protocol's zod schemas (the server
 * validates with those), so that a wrong schema shows up as a disagreement instead of moving the expectation.
 */

const roomNameCharacters = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-');
const hexDigits = new Set('0123456789abcdef');

/** Longest room name, secret and resume token (characters), and largest signal data (JSON bytes). */
export const documented = {
  roomName: 64,
  secret: 256,
  resume: 256,
  signalDataBytes: 16 * 1024,
  peerIdLength: 32,
} as const;

/** A JSON object (what a payload must be): not null, not an array, not binary. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}

/** A string of `min`..`max` UTF-16 code units (how JavaScript counts a string's length). */
function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

export function isRoomName(value: unknown): boolean {
  return isString(value, 1, documented.roomName) && [...value].every((char) => roomNameCharacters.has(char));
}

export function isPeerId(value: unknown): boolean {
  return (
    isString(value, documented.peerIdLength, documented.peerIdLength) &&
    [...value].every((char) => hexDigits.has(char))
  );
}

/** `{ room, secret?, resume? }`, nothing else. */
export function isJoinPayload(value: unknown): value is { room: string; secret?: string; resume?: string } {
  if (!isPlainObject(value) || !onlyKeys(value, ['room', 'secret', 'resume'])) return false;
  if (!isRoomName(value.room)) return false;
  // An undefined field is not sent at all (JSON has no undefined).
  if (value.secret !== undefined && !isString(value.secret, 1, documented.secret)) return false;
  if (value.resume !== undefined && !isString(value.resume, 1, documented.resume)) return false;
  return true;
}

/** `{ to, data }`, nothing else: a peer id and a JSON object of at most 16 KiB serialized. */
export function isSignalPayload(value: unknown): value is { to: string; data: Record<string, unknown> } {
  if (!isPlainObject(value) || !onlyKeys(value, ['to', 'data'])) return false;
  if (!isPeerId(value.to) || !isPlainObject(value.data)) return false;
  return Buffer.byteLength(JSON.stringify(value.data), 'utf8') <= documented.signalDataBytes;
}
