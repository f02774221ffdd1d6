import { createHmac, timingSafeEqual } from 'node:crypto';
import { type PeerId, peerIdPattern } from '@conclave/protocol';

/**
 * Resume tokens bind a peer id to a room with an HMAC-SHA256 under the server key:
 * `<id>.<base64url(mac)>`. A token proves that this server (or one sharing its key) gave `id` out
 * in `room`; presenting it in a later `join` of the same room gets the same id back.
 * Tokens do not expire: rotate the key to invalidate all of them.
 */
export class ResumeTokens {
  readonly #key: Buffer;

  constructor(key: string | Buffer) {
    this.#key = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  }

  issue(room: string, id: PeerId): string {
    return `${id}.${this.#mac(room, id).toString('base64url')}`;
  }

  /** The id the token carries when it is genuine and was issued for `room`; otherwise `undefined`. */
  verify(room: string, token: string): PeerId | undefined {
    const dot = token.indexOf('.');
    const id = token.slice(0, dot);
    if (dot < 0 || !peerIdPattern.test(id)) return undefined;
    // Compare the text, not decoded bytes: base64url has several spellings of the same bytes.
    const presented = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.#mac(room, id).toString('base64url'), 'utf8');
    if (presented.length !== expected.length) return undefined;
    return timingSafeEqual(presented, expected) ? id : undefined;
  }

  #mac(room: string, id: PeerId): Buffer {
    return createHmac('sha256', this.#key).update(`conclave-resume\0${room}\0${id}`).digest();
  }
}
