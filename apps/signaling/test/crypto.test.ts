import { peerIdPattern, roomNamePattern } from '@conclave/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newPeerId } from '../src/peer-id';
import { ResumeTokens } from '../src/resume-token';
import { hashSecret, verifySecret } from '../src/room-secret';

const room = fc.stringMatching(roomNamePattern);
const peerId = fc.stringMatching(peerIdPattern);

describe('newPeerId', () => {
  it('gives 32 lowercase hex characters, never repeating', () => {
    const ids = Array.from({ length: 10_000 }, newPeerId);
    for (const id of ids) expect(id).toMatch(peerIdPattern);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('ResumeTokens', () => {
  const tokens = new ResumeTokens({ key: 'k'.repeat(32) });
  const rejected = (reason: string) => ({ ok: false, reason });

  it('verifies what it issued, for that room only', () => {
    fc.assert(
      fc.property(room, room, peerId, (issuedIn, presentedIn, id) => {
        const token = tokens.issue(issuedIn, id);
        expect(tokens.verify(presentedIn, token)).toEqual(
          issuedIn === presentedIn ? { ok: true, id } : rejected('forged'),
        );
      }),
    );
  });

  it('rejects every single-character change of a token', () => {
    fc.assert(
      fc.property(
        room,
        peerId,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        (name, id, at, replacement) => {
          const token = tokens.issue(name, id);
          const index = at % token.length;
          fc.pre(token[index] !== replacement);
          const forged = token.slice(0, index) + replacement + token.slice(index + 1);
          expect(tokens.verify(name, forged).ok).toBe(false);
        },
      ),
    );
  });

  it('rejects tokens of another key and arbitrary strings', () => {
    const other = new ResumeTokens({ key: 'o'.repeat(32) });
    fc.assert(
      fc.property(room, peerId, fc.string({ maxLength: 300 }), (name, id, junk) => {
        expect(tokens.verify(name, other.issue(name, id))).toEqual(rejected('forged'));
        expect(tokens.verify(name, junk).ok).toBe(false);
      }),
    );
  });

  it('expires a token after its TTL, and refuses one issued too far in the future', () => {
    let now = Date.UTC(2026, 11, 2);
    const ttlSeconds = 3_600;
    const clocked = new ResumeTokens({ key: 'k'.repeat(32), ttlSeconds, now: () => now });
    const id = 'a'.repeat(32);
    const token = clocked.issue('lobby', id);
    now += ttlSeconds * 1000;
    expect(clocked.verify('lobby', token)).toEqual({ ok: true, id });
    now += 1000;
    expect(clocked.verify('lobby', token)).toEqual(rejected('expired'));
    // A server whose clock runs behind the issuer's by more than the allowed skew.
    now = Date.UTC(2026, 11, 2) - 61_000;
    expect(clocked.verify('lobby', token)).toEqual(rejected('expired'));
    now = Date.UTC(2026, 11, 2) - 59_000;
    expect(clocked.verify('lobby', token)).toEqual({ ok: true, id });
  });

  it('rotates keys: the old key still verifies while listed, signs nothing, and is dropped after', () => {
    const oldKey = 'o'.repeat(32);
    const newKey = 'n'.repeat(32);
    const id = 'b'.repeat(32);
    const before = new ResumeTokens({ key: oldKey }).issue('lobby', id);
    const overlap = new ResumeTokens({ key: newKey, previousKeys: [oldKey] });
    expect(overlap.verify('lobby', before)).toEqual({ ok: true, id });
    const reissued = overlap.issue('lobby', id);
    expect(new ResumeTokens({ key: newKey }).verify('lobby', reissued)).toEqual({ ok: true, id });
    expect(new ResumeTokens({ key: oldKey }).verify('lobby', reissued)).toEqual(rejected('forged'));
    expect(new ResumeTokens({ key: newKey }).verify('lobby', before)).toEqual(rejected('forged'));
  });
});

describe('room secrets', () => {
  it('verify the secret they hash and nothing else; the hash has a fresh salt and no plaintext', async () => {
    const stored = await hashSecret('correct horse');
    expect(stored).not.toContain('correct');
    expect(await hashSecret('correct horse')).not.toBe(stored);
    expect(await verifySecret('correct horse', stored)).toBe(true);
    expect(await verifySecret('correct horse ', stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
    expect(await verifySecret('correct horse', 'sha1$x$y')).toBe(false);
    expect(await verifySecret('correct horse', 'garbage')).toBe(false);
  });
});
