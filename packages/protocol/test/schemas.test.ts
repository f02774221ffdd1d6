import { describe, expect, it } from 'vitest';
import { joinRequestSchema, jsonSize, limits, signalRequestSchema } from '../src';

const peer = 'a'.repeat(32);

describe('joinRequestSchema', () => {
  it('accepts a room with an optional secret and resume token', () => {
    expect(joinRequestSchema.parse({ room: 'lobby' })).toEqual({ room: 'lobby' });
    expect(joinRequestSchema.safeParse({ room: 'a.b-c_d', secret: 's', resume: 'r' }).success).toBe(true);
  });

  it.each([
    ['a non-object', 'lobby'],
    ['a missing room', {}],
    ['an empty room', { room: '' }],
    ['a room with a slash', { room: 'a/b' }],
    ['a room too long', { room: 'r'.repeat(limits.roomNameMaxLength + 1) }],
    ['a huge secret', { room: 'lobby', secret: 's'.repeat(limits.secretMaxLength + 1) }],
    ['an extra field', { room: 'lobby', id: peer }],
  ])('rejects %s', (_, payload) => {
    expect(joinRequestSchema.safeParse(payload).success).toBe(false);
  });
});

describe('signalRequestSchema', () => {
  it('accepts an object payload for a well-formed peer id', () => {
    expect(signalRequestSchema.safeParse({ to: peer, data: { type: 'offer', sdp: 'v=0' } }).success).toBe(
      true,
    );
  });

  it.each([
    ['a malformed peer id', { to: 'x', data: {} }],
    ['an upper-case peer id', { to: 'A'.repeat(32), data: {} }],
    ['non-object data', { to: peer, data: 'offer' }],
    ['array data', { to: peer, data: [1] }],
    ['oversized data', { to: peer, data: { sdp: 'x'.repeat(limits.signalDataMaxBytes) } }],
  ])('rejects %s', (_, payload) => {
    expect(signalRequestSchema.safeParse(payload).success).toBe(false);
  });
});

describe('jsonSize', () => {
  it('counts UTF-8 bytes and treats unserializable values as infinitely large', () => {
    expect(jsonSize({ a: 'é' })).toBe(new TextEncoder().encode('{"a":"é"}').byteLength);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonSize(cyclic)).toBe(Number.POSITIVE_INFINITY);
    expect(jsonSize(10n)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('error messages', () => {
  it('are English sentences, not zod/mini\'s bare "Invalid input"', () => {
    const parsed = joinRequestSchema.safeParse({ room: 'lobby', secret: '' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/too small/i);
  });
});
