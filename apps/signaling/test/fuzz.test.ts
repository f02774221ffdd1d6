import { type Ack, jsonSize, limits, type SignalingErrorCode } from '@conclave/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJoinPayload, isSignalPayload } from './support/protocol-model';
import { barrier, peerIn, raw, record, startServer } from './support/server';

/** Names socket.io-client refuses to emit; the server never sees them. */
const reservedNames = [
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
];
const knownEvents = ['join', 'signal', 'leave'];

/** One client request: the event, its arguments, and whether it asks for an acknowledgement. */
interface Request {
  event: string;
  args: unknown[];
  withAck: boolean;
}

/** Long strings around the limits (but every frame stays below maxHttpBufferSize). */
const longString = fc.oneof(
  fc.string({ minLength: limits.roomNameMaxLength - 2, maxLength: limits.roomNameMaxLength + 2 }),
  fc.string({ minLength: limits.secretMaxLength - 2, maxLength: limits.secretMaxLength + 2 }),
  fc.string({ minLength: limits.signalDataMaxBytes - 100, maxLength: limits.signalDataMaxBytes + 100 }),
  fc.constant('x'.repeat(30_000)),
);
const value = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }).map((bytes) => Buffer.from(bytes)) },
);
const validRoom = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const roomName = fc.oneof(validRoom, fc.string({ maxLength: 70 }), value);
const extraKeys = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });

function requests(ids: { receiver: string; sender: string; otherRoom: string }) {
  const joinPayload = fc.oneof(
    fc.record(
      {
        room: validRoom,
        secret: fc.string({ minLength: 1, maxLength: 256 }),
        resume: fc.string({ maxLength: 80 }),
      },
      { requiredKeys: ['room'] },
    ),
    value,
    fc.record(
      { room: roomName, secret: fc.oneof(fc.string({ maxLength: 300 }), value), resume: value },
      { requiredKeys: [] },
    ),
    fc.tuple(fc.record({ room: roomName }), extraKeys).map(([base, extra]) => ({ ...extra, ...base })),
  );
  const target = fc.oneof(
    { weight: 4, arbitrary: fc.constant(ids.receiver) },
    { weight: 1, arbitrary: fc.constant(ids.sender) },
    { weight: 1, arbitrary: fc.constant(ids.otherRoom) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{32}$/) },
    { weight: 1, arbitrary: value },
  );
  const data = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    },
    { weight: 1, arbitrary: fc.record({ sdp: longString }) },
    { weight: 1, arbitrary: value },
  );
  const signalPayload = fc.oneof(
    { weight: 4, arbitrary: fc.record({ to: target, data }) },
    { weight: 1, arbitrary: fc.record({ to: target, data, from: target }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: value },
  );
  const unknownName = fc
    .string({ maxLength: 40 })
    .filter((name) => !reservedNames.includes(name) && !knownEvents.includes(name));
  const withAck = fc.boolean();
  // Frames over maxHttpBufferSize close the connection (tested elsewhere): stay well below it here.
  return fc
    .oneof(
      fc.record({
        event: fc.constant<string>('join'),
        args: fc.oneof(
          { weight: 4, arbitrary: joinPayload.map((payload) => [payload]) },
          { weight: 1, arbitrary: fc.array(joinPayload, { maxLength: 2 }) },
        ),
        withAck,
      }),
      fc.record({
        event: fc.constant<string>('signal'),
        args: fc.oneof(
          { weight: 5, arbitrary: signalPayload.map((payload) => [payload]) },
          { weight: 1, arbitrary: fc.array(signalPayload, { maxLength: 3 }) },
        ),
        withAck,
      }),
      // A valid leave (no arguments) would change the fuzzing peer's state: leave always gets some.
      fc.record({
        event: fc.constant('leave'),
        args: fc.array(value, { minLength: 1, maxLength: 2 }),
        withAck,
      }),
      fc.record({ event: unknownName, args: fc.array(value, { maxLength: 2 }), withAck }),
    )
    .filter((request) => jsonSize(request.args) < limits.maxHttpBufferSize - 8 * 1024);
}

/** What reaches the server: binary stays binary (Socket.IO attachments), the rest goes through JSON. */
function onTheWire(arg: unknown): unknown {
  if (Buffer.isBuffer(arg)) return arg;
  if (Array.isArray(arg)) return arg.map(onTheWire);
  if (arg !== null && typeof arg === 'object') {
    return Object.fromEntries(Object.entries(arg).map(([key, inner]) => [key, onTheWire(inner)]));
  }
  return JSON.parse(JSON.stringify(arg));
}

type Outcome = { ok: true; relayed?: Record<string, unknown> } | { ok: false; code: SignalingErrorCode };

/**
 * The model: what the server must answer the joined fuzzing peer. Payload validity comes from the hand-written
 * protocol model, not from the server's schemas.
 */
function expected(request: Request, ids: { receiver: string; sender: string }): Outcome {
  if (!knownEvents.includes(request.event)) return { ok: false, code: 'unknown-event' };
  if (!request.withAck) return { ok: false, code: 'missing-ack' };
  const args = request.args.map(onTheWire);
  if (request.event === 'leave') return { ok: false, code: 'invalid-payload' };
  if (request.event === 'join') {
    return args.length === 1 && isJoinPayload(args[0])
      ? { ok: false, code: 'already-joined' }
      : { ok: false, code: 'invalid-payload' };
  }
  const [payload] = args;
  if (args.length !== 1 || !isSignalPayload(payload)) return { ok: false, code: 'invalid-payload' };
  return payload.to === ids.receiver
    ? { ok: true, relayed: withoutProtoKey(payload.data) }
    : { ok: false, code: 'unknown-peer' };
}

/**
 * The relay drops a top-level "__proto__" key of `data` (its validation rebuilds the object, and such a key is
 * never copied: no prototype pollution); everything else arrives as sent.
 */
function withoutProtoKey(data: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(data, '__proto__')) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => key !== '__proto__'));
}

describe('fuzzing a real server', () => {
  it('answers 10,000 generated requests with a typed error or a correct relay; other rooms see nothing', async () => {
    const server = await startServer({ rateLimit: { eventsPerSecond: 1_000_000, burst: 0 } });
    const sender = await peerIn(server.url, 'fuzz');
    const receiver = await peerIn(server.url, 'fuzz');
    const calmA = await peerIn(server.url, 'calm');
    const calmB = await peerIn(server.url, 'calm');
    const ids = { sender: sender.id, receiver: receiver.id, otherRoom: calmB.id };

    const relayed = record(receiver.client, 'signal');
    const errorEvents = record(sender.client, 'error');
    const calmTraffic = {
      signals: record(calmB.client, 'signal'),
      strayA: record(calmA.client, 'signal'),
      joins: [record(calmA.client, 'peer-joined'), record(calmB.client, 'peer-joined')],
      lefts: [record(calmA.client, 'peer-left'), record(calmB.client, 'peer-left')],
    };
    let sent = 0;
    let expectedRelays: unknown[] = [];
    let calmSent = 0;
    const outcomes = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(fc.array(requests(ids), { minLength: 100, maxLength: 100 }), async (batch) => {
        relayed.length = 0;
        errorEvents.length = 0;
        expectedRelays = [];
        const acks: Promise<[Request, Ack]>[] = [];
        const withoutAck: SignalingErrorCode[] = [];
        for (const request of batch) {
          const outcome = expected(request, ids);
          const label = outcome.ok ? 'relayed' : outcome.code;
          outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
          if (outcome.ok) expectedRelays.push(outcome.relayed);
          if (request.withAck) {
            acks.push(
              raw(sender.client)
                .emitWithAck(request.event, ...request.args)
                .then((ack) => [request, ack]),
            );
          } else {
            raw(sender.client).emit(request.event, ...request.args);
            if (!outcome.ok) withoutAck.push(outcome.code);
          }
        }
        // The calm room talks meanwhile.
        const calm = calmA.client.emitWithAck('signal', { to: calmB.id, data: { calm: calmSent++ } });

        for (const [request, ack] of await Promise.all(acks)) {
          const outcome = expected(request, ids);
          if (outcome.ok) expect(ack).toEqual({ ok: true });
          else
            expect(ack).toMatchObject({
              ok: false,
              error: { code: outcome.code, message: expect.any(String) },
            });
        }
        expect(await calm).toEqual({ ok: true });
        await barrier(sender.client);
        await barrier(receiver.client);
        expect(errorEvents.map((error) => error.code)).toEqual(withoutAck);
        expect(relayed).toEqual(expectedRelays.map((data) => ({ from: sender.id, data })));
        sent += batch.length;
      }),
      { numRuns: 100, endOnFailure: true },
    );

    expect(sent).toBeGreaterThanOrEqual(10_000);
    // The generators reach every outcome, relays included, many times.
    for (const label of [
      'relayed',
      'invalid-payload',
      'unknown-event',
      'missing-ack',
      'already-joined',
      'unknown-peer',
    ]) {
      expect(outcomes.get(label) ?? 0, label).toBeGreaterThan(100);
    }
    await barrier(calmB.client);
    await barrier(calmA.client);
    expect(calmTraffic.signals).toEqual(
      Array.from({ length: calmSent }, (_, n) => ({ from: calmA.id, data: { calm: n } })),
    );
    expect(calmTraffic.strayA).toEqual([]);
    expect(calmTraffic.joins.flat()).toEqual([]);
    expect(calmTraffic.lefts.flat()).toEqual([]);
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', peers: 4, rooms: 2, connections: 4 });
  }, 60_000);
});
