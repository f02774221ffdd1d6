import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type CallContext,
  createLeaderWork,
  LeaderCallError,
  type LeaderCallErrorCode,
  type LeaderWork,
  RemoteError,
  SharedWorkUsageError,
  sharedWorkChannel,
  sharedWorkLimits,
} from '../src';
import { MemoryNetwork } from './support/memory-room';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Peers `ids`, each with leader-work; `a` leads term 1 unless told otherwise (null: nobody leads). */
function room(ids: readonly string[] = ['a', 'b', 'c'], leader: string | null = 'a', term = 1) {
  const network = new MemoryNetwork();
  const works = new Map<string, LeaderWork>();
  for (const id of ids) network.add(id);
  for (const id of ids) works.set(id, createLeaderWork(network.core(id), { takeoverSyncMs: 0 }));
  if (leader !== null) network.setLeader(leader, term);
  const work = (id: string) => works.get(id)!;
  return { network, work };
}

/** Settles a promise without an unhandled rejection, for inspection after timers advance. */
function outcome<T>(promise: Promise<T>): { done: boolean; value?: T; error?: unknown } {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

function expectCode(error: unknown, code: LeaderCallErrorCode): LeaderCallError {
  expect(error).toBeInstanceOf(LeaderCallError);
  expect((error as LeaderCallError).code).toBe(code);
  return error as LeaderCallError;
}

describe('callLeader', () => {
  it("runs the leader's handler with the caller's id and the term, and resolves with its result", async () => {
    const { work } = room();
    const seen: CallContext[] = [];
    for (const id of ['a', 'b', 'c']) {
      work(id).serve('add', (args: { x: number; y: number }, ctx) => {
        seen.push(ctx);
        return { sum: args.x + args.y, by: id };
      });
    }
    const result = outcome(work('b').callLeaderDetailed('add', { x: 2, y: 3 }));
    await vi.advanceTimersByTimeAsync(5);
    expect(result.value).toMatchObject({ value: { sum: 5, by: 'a' }, term: 1, leaderId: 'a', attempts: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ from: 'b', term: 1, requestId: result.value?.requestId });
  });

  it('runs locally when the leader calls itself (nothing is sent), with its own id as `from`', async () => {
    const { network, work } = room();
    work('a').serve('whoami', (_args, ctx) => ctx.from);
    const result = outcome(work('a').callLeader('whoami'));
    await vi.advanceTimersByTimeAsync(0);
    expect(result.value).toBe('a');
    expect(network.sent.filter((m) => (m.payload as { kind?: string }).kind === 'call')).toHaveLength(0);
  });

  it('gives a local call the same JSON semantics as a remote one', async () => {
    const { work } = room();
    work('a').serve('echo', (args) => args);
    const result = outcome(work('a').callLeader('echo', { when: new Date(0), skip: undefined }));
    await vi.advanceTimersByTimeAsync(0);
    expect(result.value).toEqual({ when: '1970-01-01T00:00:00.000Z' });
  });

  it('fails with method-not-found, without retrying', async () => {
    const { network, work } = room();
    const result = outcome(work('b').callLeader('nope', null));
    await vi.advanceTimersByTimeAsync(5);
    const error = expectCode(result.error, 'method-not-found');
    expect(error.attempts).toBe(1);
    expect(error.leaderId).toBe('a');
    expect(network.between('b', 'a', 'call')).toHaveLength(1);
  });

  it("serializes the handler's error as a RemoteError (name, message, code) and does not retry", async () => {
    const { network, work } = room();
    let runs = 0;
    work('a').serve('fail', async () => {
      runs += 1;
      throw Object.assign(new RangeError('too far'), { code: 'E_FAR' });
    });
    const result = outcome(work('b').callLeader('fail', 1));
    await vi.advanceTimersByTimeAsync(5);
    const error = expectCode(result.error, 'remote-error');
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).remote).toEqual({ name: 'RangeError', message: 'too far', code: 'E_FAR' });
    expect(error.term).toBe(1);
    expect(runs).toBe(1);
    expect(network.between('b', 'a', 'call')).toHaveLength(1);
  });

  it('reports a thrown non-error as a RemoteError too, locally as remotely', async () => {
    const { work } = room();
    work('a').serve('throwString', () => {
      throw 'plain string';
    });
    const remote = outcome(work('b').callLeader('throwString'));
    const local = outcome(work('a').callLeader('throwString'));
    await vi.advanceTimersByTimeAsync(5);
    for (const { error } of [remote, local]) {
      expect((error as RemoteError).remote).toEqual({ name: 'Error', message: 'plain string' });
    }
  });

  it('fails with invalid-response when the result has no JSON form or is too large', async () => {
    const { work } = room();
    work('a').serve('big', () => 'x'.repeat(sharedWorkLimits.maxValueBytes + 1));
    work('a').serve('bigint', () => 10n);
    const big = outcome(work('b').callLeader('big'));
    const bigint = outcome(work('b').callLeader('bigint'));
    await vi.advanceTimersByTimeAsync(5);
    expectCode(big.error, 'invalid-response');
    expectCode(bigint.error, 'invalid-response');
  });

  it('refuses arguments that are too large or have no JSON form, sending nothing', async () => {
    const { network, work } = room();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(work('b').callLeader('m', 'x'.repeat(sharedWorkLimits.maxValueBytes))).rejects.toMatchObject(
      {
        code: 'invalid-request',
      },
    );
    await expect(work('b').callLeader('m', cyclic)).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(work('b').callLeader('', 1)).rejects.toMatchObject({ code: 'invalid-request' });
    expect(network.between('b', 'a', 'call')).toHaveLength(0);
  });

  it("answers invalid-request when the arguments fail the handler's schema (the handler does not run)", async () => {
    const { work } = room();
    let runs = 0;
    const square = (n: number) => {
      runs += 1;
      return n * n;
    };
    work('a').serve('square', square, { args: z.number() });
    const bad = outcome(work('b').callLeader('square', 'seven'));
    const good = outcome(work('b').callLeader('square', 7));
    await vi.advanceTimersByTimeAsync(5);
    expectCode(bad.error, 'invalid-request');
    expect(good.value).toBe(49);
    expect(runs).toBe(1);
  });

  it('times out after retries+1 attempts, each timeoutMs apart, always with the same request id', async () => {
    const { network, work } = room();
    work('a').serve('slow', () => new Promise(() => {}));
    const result = outcome(
      work('b').callLeader('slow', null, { timeoutMs: 100, retries: 2, deadlineMs: 10_000 }),
    );
    await vi.advanceTimersByTimeAsync(299);
    expect(result.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = expectCode(result.error, 'timeout');
    expect(error.attempts).toBe(3);
    const ids = network.between('b', 'a', 'call').map((p) => (p as { id: string }).id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(error.requestId);
  });

  it('fails with timeout at the deadline while an attempt is still waiting', async () => {
    const { work } = room();
    work('a').serve('slow', () => new Promise(() => {}));
    const result = outcome(work('b').callLeader('slow', null, { timeoutMs: 5000, deadlineMs: 250 }));
    await vi.advanceTimersByTimeAsync(250);
    expectCode(result.error, 'timeout');
  });

  it('runs the handler once when a retry reaches the same leader: the answer comes from memory', async () => {
    const { network, work } = room();
    let runs = 0;
    work('a').serve('once', () => ++runs);
    let dropped = false;
    network.drop = (m) => {
      const kind = (m.payload as { kind?: string }).kind;
      if (kind !== 'result' || dropped) return false;
      dropped = true;
      return true;
    };
    const result = outcome(work('b').callLeaderDetailed('once', null, { timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(105);
    expect(result.value).toMatchObject({ value: 1, attempts: 2 });
    expect(runs).toBe(1);
    expect(work('a').stats().callsDeduplicated).toBe(1);
  });

  it('waits for a leader when none is known, and calls it once one appears', async () => {
    const { network, work } = room(['a', 'b'], null);
    work('a').serve('ping', () => 'pong');
    const result = outcome(work('b').callLeader('ping', null, { deadlineMs: 1000 }));
    await vi.advanceTimersByTimeAsync(500);
    expect(result.done).toBe(false);
    expect(network.sent.filter((m) => (m.payload as { kind?: string }).kind === 'call')).toHaveLength(0);
    network.setLeader('a', 1);
    await vi.advanceTimersByTimeAsync(5);
    expect(result.value).toBe('pong');
  });

  it('fails with no-leader when no leader appears before the deadline', async () => {
    const { work } = room(['a', 'b'], null);
    const result = outcome(work('b').callLeader('ping', null, { deadlineMs: 1000 }));
    await vi.advanceTimersByTimeAsync(999);
    expect(result.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = expectCode(result.error, 'no-leader');
    expect(error.attempts).toBe(0);
  });

  it('fails with no-leader when the leader it knows is unreachable until the deadline', async () => {
    const { network, work } = room(['a', 'b']);
    network.unlink('a', 'b');
    const result = outcome(work('b').callLeader('ping', null, { deadlineMs: 2000 }));
    await vi.advanceTimersByTimeAsync(2000);
    expectCode(result.error, 'no-leader');
  });

  it('a follower answers not-leader with the leader it knows, and the caller retries there', async () => {
    const { network, work } = room();
    work('a').serve('ping', (_args, ctx) => `pong from a to ${ctx.from}`);
    work('b').serve('ping', () => 'pong from b');
    network.setLeader('b', 1, ['c']); // c is behind: it still thinks b leads
    const result = outcome(work('c').callLeaderDetailed('ping'));
    await vi.advanceTimersByTimeAsync(10);
    expect(result.value).toMatchObject({ value: 'pong from a to c', leaderId: 'a', attempts: 2 });
    const refusal = network.between('b', 'c', 'failure')[0] as { code: string; leaderId: string };
    expect(refusal).toMatchObject({ code: 'not-leader', leaderId: 'a' });
  });

  it('fails with not-leader when every peer it is sent to keeps refusing', async () => {
    const { network, work } = room();
    network.setLeader('b', 1, ['c']);
    network.setLeader(undefined, 1, ['b']); // b knows no leader: it refuses without a hint
    const result = outcome(work('c').callLeader('ping', null, { retries: 2, deadlineMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(1000);
    const error = expectCode(result.error, 'not-leader');
    expect(error.attempts).toBe(3);
  });

  it('sends the call again to the new leader when leadership moves mid-call (same request id)', async () => {
    const { network, work } = room();
    const ran: Array<{ on: string; requestId: string }> = [];
    work('a').serve('job', (_args, ctx) => {
      ran.push({ on: 'a', requestId: ctx.requestId });
      return new Promise(() => {}); // the old leader never answers
    });
    work('b').serve('job', (_args, ctx) => {
      ran.push({ on: 'b', requestId: ctx.requestId });
      return 'done by b';
    });
    const result = outcome(work('c').callLeaderDetailed('job', null, { timeoutMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(5);
    network.setLeader('b', 2);
    await vi.advanceTimersByTimeAsync(5);
    expect(result.value).toMatchObject({ value: 'done by b', leaderId: 'b', term: 2, attempts: 2 });
    expect(ran.map((r) => r.on)).toEqual(['a', 'b']);
    expect(ran[0]?.requestId).toBe(ran[1]?.requestId);
  });

  it('accepts a late result from the previous leader (the handler ran there)', async () => {
    const { network, work } = room();
    let release: (value: string) => void = () => {};
    work('a').serve('job', () => new Promise<string>((resolve) => (release = resolve)));
    work('b').serve('job', () => new Promise(() => {}));
    const result = outcome(work('c').callLeaderDetailed('job', null, { timeoutMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(5);
    network.setLeader('b', 2);
    release('done by a');
    await vi.advanceTimersByTimeAsync(5);
    expect(result.value).toMatchObject({ value: 'done by a', leaderId: 'a', term: 1 });
  });

  it('rejects with aborted when the signal aborts, and at once when it is aborted already', async () => {
    const { work } = room();
    work('a').serve('slow', () => new Promise(() => {}));
    const controller = new AbortController();
    const result = outcome(work('b').callLeader('slow', null, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(5);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expectCode(result.error, 'aborted');
    await expect(work('b').callLeader('slow', null, { signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(work('b').stats().pendingCalls).toBe(0);
  });

  it('rejects pending calls with disposed on dispose, and later calls too', async () => {
    const { work } = room();
    work('a').serve('slow', () => new Promise(() => {}));
    const result = outcome(work('b').callLeader('slow'));
    await vi.advanceTimersByTimeAsync(5);
    work('b').dispose();
    await vi.advanceTimersByTimeAsync(0);
    expectCode(result.error, 'disposed');
    await expect(work('b').callLeader('slow')).rejects.toMatchObject({ code: 'disposed' });
  });

  it(`refuses more than ${sharedWorkLimits.maxPendingCalls} pending calls with overloaded`, async () => {
    const { work } = room();
    work('a').serve('slow', () => new Promise(() => {}));
    const pending = Array.from({ length: sharedWorkLimits.maxPendingCalls }, () =>
      outcome(work('b').callLeader('slow')),
    );
    await expect(work('b').callLeader('slow')).rejects.toMatchObject({ code: 'overloaded' });
    expect(work('b').stats().pendingCalls).toBe(sharedWorkLimits.maxPendingCalls);
    work('b').dispose();
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.every((p) => (p.error as LeaderCallError).code === 'disposed')).toBe(true);
  });

  it(`the leader answers overloaded past ${sharedWorkLimits.maxInflightServed} calls in flight`, async () => {
    const { work } = room();
    work('a').serve('slow', () => new Promise(() => {}));
    const callers = Array.from({ length: sharedWorkLimits.maxInflightServed }, () =>
      outcome(work('b').callLeader('slow', null, { timeoutMs: 60_000, deadlineMs: 60_000 })),
    );
    await vi.advanceTimersByTimeAsync(5);
    expect(work('a').stats().inflightServed).toBe(sharedWorkLimits.maxInflightServed);
    const extra = outcome(work('c').callLeader('slow'));
    await vi.advanceTimersByTimeAsync(5);
    expectCode(extra.error, 'overloaded');
    expect(callers.every((c) => !c.done)).toBe(true);
  });
});

describe('serve', () => {
  it('refuses a second handler for the same method, bad names and too many methods', () => {
    const { work } = room();
    work('a').serve('m', () => 1);
    expect(() => work('a').serve('m', () => 2)).toThrow(
      expect.objectContaining({ code: 'duplicate-handler' }),
    );
    expect(() => work('a').serve('', () => 1)).toThrow(SharedWorkUsageError);
    expect(() => work('a').serve('x'.repeat(sharedWorkLimits.maxNameLength + 1), () => 1)).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
    for (let i = 1; i < sharedWorkLimits.maxHandlers; i++) work('a').serve(`m${i}`, () => i);
    expect(() => work('a').serve('one-too-many', () => 1)).toThrow(
      expect.objectContaining({ code: 'limit-exceeded' }),
    );
    expect(work('a').stats().handlers).toBe(sharedWorkLimits.maxHandlers);
  });

  it('unregistering makes the method not found', async () => {
    const { work } = room();
    const unserve = work('a').serve('m', () => 1);
    unserve();
    const result = outcome(work('b').callLeader('m'));
    await vi.advanceTimersByTimeAsync(5);
    expectCode(result.error, 'method-not-found');
  });
});

describe('untrusted payloads', () => {
  it('drops and counts invalid payloads, ignores foreign ones, and answers nothing', () => {
    const { network, work } = room(['a', 'b']);
    work('a').serve('m', () => 1);
    const a = network.core('a');
    const sentBefore = network.sent.length;
    const bad: unknown[] = [
      { ch: sharedWorkChannel, kind: 'call', id: '', method: 'm', args: null }, // empty id
      { ch: sharedWorkChannel, kind: 'call', id: 'x', method: 'm', args: null, extra: 1 }, // unknown key
      { ch: sharedWorkChannel, kind: 'nope' },
      { ch: sharedWorkChannel, kind: 'state', name: 'n', term: -1, version: 1, value: 1 },
      { ch: sharedWorkChannel, kind: 'state', name: 'n', term: 1, version: 1.5, value: 1 },
      { ch: sharedWorkChannel, kind: 'call', id: 'x', method: 'm', args: 'x'.repeat(40_000) },
    ];
    for (const payload of bad) a.deliver('b', payload);
    for (const payload of [null, 42, 'text', { kind: 'call' }, { ch: 'other' }]) a.deliver('b', payload);
    expect(work('a').stats()).toMatchObject({ invalid: bad.length, foreign: 5, callsServed: 0 });
    expect(network.sent).toHaveLength(sentBefore);
  });

  it('ignores an answer from a peer the call was not sent to', async () => {
    const { network, work } = room();
    work('a').serve('slow', () => new Promise(() => {}));
    const result = outcome(work('b').callLeaderDetailed('slow'));
    await vi.advanceTimersByTimeAsync(5);
    const requestId = (network.between('b', 'a', 'call')[0] as { id: string }).id;
    const ignoredBefore = work('b').stats().ignored;
    network
      .core('b')
      .deliver('c', { ch: sharedWorkChannel, kind: 'result', id: requestId, term: 9, value: 'forged' });
    await vi.advanceTimersByTimeAsync(0);
    expect(result.done).toBe(false);
    expect(work('b').stats().ignored).toBe(ignoredBefore + 1);
  });
});

describe('a transport that throws', () => {
  it('counts a refused send as unsent and keeps the call alive until the deadline', async () => {
    const { network, work } = room(['a', 'b']);
    const b = network.core('b');
    b.sendTo = () => {
      throw new Error('payload too large for this transport');
    };
    const result = outcome(work('b').callLeader('m', null, { deadlineMs: 500 }));
    await vi.advanceTimersByTimeAsync(500);
    expectCode(result.error, 'no-leader');
    expect(work('b').stats().unsent).toBeGreaterThan(1);
  });
});
