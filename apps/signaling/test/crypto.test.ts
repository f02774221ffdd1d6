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
  const tokens = new ResumeTokens('k'.repeat(32));

  it('verifies what it issued, for that room only', () => {
    fc.assert(
      fc.property(room, room, peerId, (issuedIn, presentedIn, id) => {
        const token = tokens.issue(issuedIn, id);
        expect(tokens.verify(presentedIn, token)).toBe(issuedIn === presentedIn ? id : undefined);
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
          expect(tokens.verify(name, forged)).toBeUndefined();
        },
      ),
    );
  });

  it('rejects tokens of another key and arbitrary strings', () => {
    const other = new ResumeTokens('o'.repeat(32));
    fc.assert(
      fc.property(room, peerId, fc.string({ maxLength: 300 }), (name, id, junk) => {
        expect(tokens.verify(name, other.issue(name, id))).toBeUndefined();
        expect(tokens.verify(name, junk)).toBeUndefined();
      }),
    );
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
