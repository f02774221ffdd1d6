import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meshLimits } from '../src/limits';
import { decodeEnvelope, type Envelope, encodeEnvelope, MeshPayloadError } from '../src/wire';

const peerId = fc.stringMatching(/^[0-9a-f]{32}$/);

const validEnvelope: fc.Arbitrary<Envelope> = fc.oneof(
  fc.record({
    ch: fc.constant('election' as const),
    msg: fc.record({ type: fc.constant('declaration'), sender: peerId, term: fc.nat() }),
  }),
  fc.record({ ch: fc.constant('app' as const), payload: fc.jsonValue() }),
  fc.record({
    ch: fc.constant('links' as const),
    peers: fc.array(peerId, { maxLength: meshLimits.maxPeers }),
  }),
  fc.constant({ ch: 'bye' as const }),
  fc.record({ ch: fc.constantFrom('ping' as const, 'pong' as const), n: fc.nat({ max: 2 ** 31 }) }),
);

describe('decodeEnvelope', () => {
  it('never throws on arbitrary input and always names a reason when it rejects', () => {
    const junk = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.uint8Array({ maxLength: 256 }),
      fc.json(),
      fc.jsonValue().map((value) => JSON.stringify({ ch: 'app', value })),
      fc.anything(),
      fc.record({ ch: fc.string(), msg: fc.anything() }).map((value) => JSON.stringify(value) ?? ''),
    );
    fc.assert(
      fc.property(junk, (raw) => {
        const result = decodeEnvelope(raw);
        if (!result.ok) expect(['oversize', 'bad-json', 'bad-shape']).toContain(result.reason);
      }),
      { numRuns: 3_000 },
    );
  }, 30_000);

  it('round-trips every valid envelope, as text and as UTF-8 bytes', () => {
    fc.assert(
      fc.property(validEnvelope, (envelope) => {
        const text = encodeEnvelope(envelope);
        const expected = JSON.parse(text);
        expect(decodeEnvelope(text)).toEqual({ ok: true, envelope: expected });
        expect(decodeEnvelope(new TextEncoder().encode(text))).toEqual({ ok: true, envelope: expected });
      }),
    );
  });

  it('rejects oversize messages before parsing them', () => {
    const big = JSON.stringify({ ch: 'app', payload: 'x'.repeat(meshLimits.maxMessageBytes) });
    expect(decodeEnvelope(big)).toEqual({ ok: false, reason: 'oversize' });
    expect(decodeEnvelope(new Uint8Array(meshLimits.maxMessageBytes + 1))).toEqual({
      ok: false,
      reason: 'oversize',
    });
    // Multi-byte characters count as bytes, not as UTF-16 units.
    const wide = JSON.stringify({ ch: 'app', payload: '€'.repeat(meshLimits.maxMessageBytes / 3) });
    expect(wide.length).toBeLessThan(meshLimits.maxMessageBytes);
    expect(decodeEnvelope(wide)).toEqual({ ok: false, reason: 'oversize' });
  });

  it('tells bad JSON from bad shapes', () => {
    expect(decodeEnvelope('{')).toEqual({ ok: false, reason: 'bad-json' });
    expect(decodeEnvelope(new Uint8Array([0xff, 0xfe]))).toEqual({ ok: false, reason: 'bad-json' });
    for (const shape of [
      {},
      { ch: 'app' },
      { ch: 'election' },
      { ch: 'bye', extra: 1 },
      { ch: 'links', peers: ['not-an-id'] },
      { ch: 'links', peers: Array(meshLimits.maxPeers + 1).fill('0'.repeat(32)) },
      { ch: 'ping', n: -1 },
      { ch: 'nope' },
      [],
      null,
    ]) {
      expect(decodeEnvelope(JSON.stringify(shape))).toEqual({ ok: false, reason: 'bad-shape' });
    }
  });
});

describe('encodeEnvelope', () => {
  it('refuses payloads without a JSON form or over the size limit, with a typed error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeEnvelope({ ch: 'app', payload: cyclic })).toThrow(MeshPayloadError);
    expect(() => encodeEnvelope({ ch: 'app', payload: 10n })).toThrow(MeshPayloadError);
    expect(() => encodeEnvelope({ ch: 'app', payload: undefined })).toThrow(MeshPayloadError);
    expect(() => encodeEnvelope({ ch: 'app', payload: 'x'.repeat(meshLimits.maxMessageBytes) })).toThrow(
      /exceeds/,
    );
  });
});
