import { createHmac, timingSafeEqual } from 'node:crypto';
import { type PeerId, peerIdPattern } from '@conclave/protocol';

/** How long a token stays valid by default: a week, so a laptop closed over a weekend keeps its id. */
export const defaultResumeTokenTtlSeconds = 7 * 24 * 60 * 60;

/** A token issued this far in the future still passes: servers sharing a key may disagree on the time. */
const clockSkewSeconds = 60;

export interface ResumeTokenOptions {
  /** Signs new tokens and verifies them. */
  key: string | Buffer;
  /**
   * Keys that only verify, for rotating the key: list the old key here beside the new one for one TTL,
   * and every token it signed will have expired when it is removed.
   */
  previousKeys?: readonly (string | Buffer)[];
  ttlSeconds?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

export type ResumeVerdict =
  | { ok: true; id: PeerId }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const tokenPattern = /^([0-9a-f]{32})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/;

/**
 * Resume tokens bind a peer id to a room, and a time of issue, with an HMAC-SHA256 under the server key:
 * `<id>.<issued, base36 seconds>.<base64url(mac)>`. A token proves that this server (or one sharing its
 * key) gave `id` out in `room` less than a TTL ago; presenting it in a later `join` of the same room gets
 * the same id back, and a fresh token. A token that leaked is useless after the TTL; rotating the key
 * (with the old one in `previousKeys` for one TTL) retires every token without cutting honest tabs off.
 */
export class ResumeTokens {
  readonly #key: Buffer;
  readonly #verifyKeys: readonly Buffer[];
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: ResumeTokenOptions) {
    this.#key = asBuffer(options.key);
    this.#verifyKeys = [this.#key, ...(options.previousKeys ?? []).map(asBuffer)];
    this.#ttlSeconds = options.ttlSeconds ?? defaultResumeTokenTtlSeconds;
    this.#now = options.now ?? Date.now;
  }

  issue(room: string, id: PeerId): string {
    const issued = Math.floor(this.#now() / 1000).toString(36);
    return `${id}.${issued}.${mac(this.#key, room, id, issued)}`;
  }

  /** Whether the token is genuine, was issued for `room`, and has not expired; the id it carries if so. */
  verify(room: string, token: string): ResumeVerdict {
    const parts = tokenPattern.exec(token);
    if (!parts) return { ok: false, reason: 'malformed' };
    const [, id = '', issued = '', presentedMac = ''] = parts;
    if (!peerIdPattern.test(id)) return { ok: false, reason: 'malformed' };
    // Compare the text, not decoded bytes: base64url has several spellings of the same bytes.
    const presented = Buffer.from(presentedMac, 'utf8');
    const genuine = this.#verifyKeys.some((key) => {
      const expected = Buffer.from(mac(key, room, id, issued), 'utf8');
      return expected.length === presented.length && timingSafeEqual(expected, presented);
    });
    if (!genuine) return { ok: false, reason: 'forged' };
    const age = Math.floor(this.#now() / 1000) - Number.parseInt(issued, 36);
    if (age > this.#ttlSeconds || age < -clockSkewSeconds) return { ok: false, reason: 'expired' };
    return { ok: true, id };
  }
}

function asBuffer(key: string | Buffer): Buffer {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

function mac(key: Buffer, room: string, id: string, issued: string): string {
  return createHmac('sha256', key).update(`conclave-resume/2\0${room}\0${id}\0${issued}`).digest('base64url');
}
