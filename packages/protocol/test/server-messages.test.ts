import { describe, expect, it } from 'vitest';
import { joinRequestSchema, joinResultSchema, limits } from '../src';

const id = 'a'.repeat(32);
/** The shape the server issues: `<id>.<base64url HMAC-SHA256>`. */
const issuedToken = `${id}.${'M'.repeat(43)}`;

describe('joinResultSchema', () => {
  it('accepts the resume token the server issues, which the next join request also accepts', () => {
    expect(joinResultSchema.safeParse({ ok: true, id, peers: [], resume: issuedToken }).success).toBe(true);
    expect(joinRequestSchema.safeParse({ room: 'lobby', resume: issuedToken }).success).toBe(true);
  });

  it('bounds the resume token by the same limit as the join request', () => {
    const longest = 'r'.repeat(limits.resumeTokenMaxLength);
    const tooLong = `${longest}r`;
    expect(joinResultSchema.safeParse({ ok: true, id, peers: [], resume: longest }).success).toBe(true);
    expect(joinResultSchema.safeParse({ ok: true, id, peers: [], resume: tooLong }).success).toBe(false);
    expect(joinRequestSchema.safeParse({ room: 'lobby', resume: tooLong }).success).toBe(false);
  });

  it('accepts a typed failure and rejects an unknown error code', () => {
    const failure = { ok: false, error: { code: 'room-full', message: 'full' } };
    expect(joinResultSchema.safeParse(failure).success).toBe(true);
    const unknownCode = { ...failure, error: { code: 'nope', message: '' } };
    expect(joinResultSchema.safeParse(unknownCode).success).toBe(false);
  });
});
