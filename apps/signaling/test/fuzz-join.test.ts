import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJoinPayload, isPeerId } from './support/protocol-model';
import { type Client, connectClient, raw, record, startServer } from './support/server';

/**
 * Fresh connections fuzz `join` (and what they may send before and after it), against an independent model of
 * the protocol: payload validity from the hand-written model (not the server's schemas), room state (who is in,
 * which secret the first joiner set) kept by the test itself.
 */

const secrets = ['s3cret', 'other'];

/** A join payload: a valid one for one of the run's two rooms, or anything at all. */
const joinArg = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        room: fc.nat({ max: 1 }),
        secret: fc.option(
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...secrets) }, fc.string({ maxLength: 300 })),
          { nil: undefined, freq: 3 },
        ),
        // Rarely: every token here is made up, and a made-up token is refused before anything else.
        resume: fc.oneof(
          { weight: 8, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
        ),
      },
      { requiredKeys: ['room'] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          room: fc.oneof(
            fc.string({ maxLength: 70 }),
            fc.stringMatching(/^[A-Za-z0-9._-]{60,70}$/),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          secret: fc.oneof(fc.string({ maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
          resume: fc.jsonValue({ maxDepth: 1 }),
          extra: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      )
      .map((payload) => ({ fuzzed: payload })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => ({ fuzzed: value })) },
  // At the documented bounds: room names of 63-66 allowed characters or with one character not allowed,
  // secrets and tokens of 0, 256 and 257 characters.
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          room: fc.oneof(
            fc.stringMatching(/^[A-Za-z0-9._-]{63,66}$/),
            fc
              .tuple(
                fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
                fc.constantFrom(' ', 'é', '/', '\n', '+', '😀'),
              )
              .map(([name, odd]) => name + odd),
          ),
          secret: fc.constantFrom('', 'x', 'x'.repeat(256), 'x'.repeat(257)),
          resume: fc.constantFrom('', 'x'.repeat(257)),
        },
        { requiredKeys: ['room'] },
      )
      .map((payload) => ({ fuzzed: payload })),
  },
);

type Step =
  | { readonly kind: 'join'; readonly args: readonly unknown[]; readonly withAck: boolean }
  | { readonly kind: 'leave' }
  | { readonly kind: 'signal' }
  | { readonly kind: 'unknown' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      args: fc.oneof(
        { weight: 12, arbitrary: joinArg.map((arg) => [arg]) },
        { weight: 1, arbitrary: fc.array(joinArg, { maxLength: 2 }) },
      ),
      withAck: fc.oneof(
        { weight: 6, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Step>({ kind: 'leave' }, { kind: 'signal' }, { kind: 'unknown' }),
  },
);

/** A run: up to four fresh connections, each sending one to three requests, interleaved by connection. */
const runArb = fc.array(fc.array(step, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 });

interface Room {
  secret: string | null;
  readonly members: Set<string>;
}

/** Turns a generated argument into what is sent: room indexes become this run's room names. */
function materialize(arg: unknown, rooms: readonly string[]): unknown {
  if (arg !== null && typeof arg === 'object' && 'fuzzed' in arg) return (arg as { fuzzed: unknown }).fuzzed;
  const { room, ...rest } = arg as { room: number };
  return { room: rooms[room], ...rest };
}

describe('fuzzing fresh joins on a real server', () => {
  it('every fresh connection gets the answer the independent model predicts, room state included', async () => {
    const server = await startServer({
      rateLimit: { eventsPerSecond: 1_000_000, burst: 0 },
      roomJoinLimit: { joinsPerSecond: 1_000_000, burst: 0 },
    });
    const outcomes = new Map<string, number>();
    const count = (label: string) => outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    let run = 0;

    await fc.assert(
      fc.asyncProperty(runArb, async (connections) => {
        const names = [`fresh${run}-a`, `fresh${run}-b`];
        run++;
        const rooms = new Map<string, Room>();
        const clients: Client[] = [];
        try {
          const state: Array<{ client: Client; room?: string; id?: string; errors: unknown[] }> = [];
          for (const _ of connections) {
            const client = await connectClient(server.url);
            clients.push(client);
            state.push({ client, errors: record(client, 'error') });
          }
          const longest = Math.max(...connections.map((steps) => steps.length));
          for (let i = 0; i < longest; i++) {
            for (const [c, steps] of connections.entries()) {
              const request = steps[i];
              const me = state[c];
              if (request === undefined || me === undefined) continue;
              const socket = raw(me.client);
              if (request.kind === 'unknown') {
                expect(await socket.emitWithAck('hello', {})).toMatchObject({
                  ok: false,
                  error: { code: 'unknown-event' },
                });
                count('unknown-event');
              } else if (request.kind === 'leave') {
                const ack = await socket.emitWithAck('leave');
                if (me.room === undefined) {
                  expect(ack).toMatchObject({ ok: false, error: { code: 'not-joined' } });
                  count('leave not-joined');
                } else {
                  expect(ack).toEqual({ ok: true });
                  rooms.get(me.room)?.members.delete(me.id as string);
                  me.room = me.id = undefined;
                  count('left');
                }
              } else if (request.kind === 'signal') {
                const to = 'f'.repeat(32);
                const ack = await socket.emitWithAck('signal', { to, data: {} });
                const code = me.room === undefined ? 'not-joined' : 'unknown-peer';
                expect(ack).toMatchObject({ ok: false, error: { code } });
                count(`signal ${code}`);
              } else {
                const args = request.args.map((arg) =>
                  JSON.parse(JSON.stringify(materialize(arg, names)) ?? 'null'),
                );
                const code = expectedJoinFailure(args, me.room !== undefined, rooms);
                if (!request.withAck) {
                  const before = me.errors.length;
                  socket.emit('join', ...args);
                  await expect.poll(() => me.errors.length).toBe(before + 1);
                  expect(me.errors.at(-1)).toMatchObject({ code: 'missing-ack' });
                  count('missing-ack');
                  continue;
                }
                const ack = await socket.emitWithAck('join', ...args);
                if (code !== undefined) {
                  expect(ack, JSON.stringify(args)).toMatchObject({
                    ok: false,
                    error: { code, message: expect.any(String) },
                  });
                  count(code);
                  continue;
                }
                const { room, secret } = args[0] as { room: string; secret?: string };
                const existing = rooms.get(room);
                expect(ack, JSON.stringify(args)).toMatchObject({ ok: true });
                const joined = ack as { id: string; peers: string[]; resume: string };
                expect(isPeerId(joined.id)).toBe(true);
                expect([...joined.peers].sort()).toEqual([...(existing?.members ?? [])].sort());
                expect(typeof joined.resume).toBe('string');
                if (existing === undefined || existing.members.size === 0)
                  rooms.set(room, { secret: secret ?? null, members: new Set([joined.id]) });
                else existing.members.add(joined.id);
                me.room = room;
                me.id = joined.id;
                count('joined');
              }
            }
          }
        } finally {
          for (const client of clients) client.close();
        }
      }),
      { numRuns: 80, endOnFailure: true },
    );

    // Every branch of the model was reached. Only "reached" is asserted: the rarer branches (forbidden,
    // invalid-resume) come 3-12 times in 80 random runs, so any higher floor fails by chance.
    for (const label of [
      'joined',
      'invalid-payload',
      'invalid-resume',
      'forbidden',
      'already-joined',
      'missing-ack',
    ]) {
      expect(outcomes.get(label) ?? 0, `${label}: ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
    }
  }, 120_000);
});

/** The model's answer to a join with an acknowledgement; undefined means it gets in. */
function expectedJoinFailure(args: readonly unknown[], joined: boolean, rooms: ReadonlyMap<string, Room>) {
  const [payload] = args;
  if (args.length !== 1 || !isJoinPayload(payload)) return 'invalid-payload';
  if (joined) return 'already-joined';
  // Every token here is made up: none was issued by the server.
  if (payload.resume !== undefined) return 'invalid-resume';
  const room = rooms.get(payload.room);
  if (room === undefined || room.members.size === 0 || room.secret === null) return undefined;
  return payload.secret === room.secret ? undefined : 'forbidden';
}
