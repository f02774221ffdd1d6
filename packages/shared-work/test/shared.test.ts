import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import {
  createLeaderWork,
  type LeaderWork,
  NotLeaderError,
  type SharedEntry,
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

function room(ids: readonly string[] = ['a', 'b', 'c'], takeoverSyncMs = 0) {
  const network = new MemoryNetwork();
  const works = new Map<string, LeaderWork>();
  const errors: unknown[] = [];
  const join = (id: string) => {
    network.add(id);
    works.set(
      id,
      createLeaderWork(network.core(id), { takeoverSyncMs, onError: (error) => errors.push(error) }),
    );
    return works.get(id)!;
  };
  for (const id of ids) join(id);
  const work = (id: string) => works.get(id)!;
  return { network, work, join, errors };
}

const state = (name: string, term: number, version: number, value: unknown) => ({
  ch: sharedWorkChannel,
  kind: 'state',
  name,
  term,
  version,
  value,
});

describe('shared', () => {
  it('the leader publishes; every tab sees the value with its term and version, and listeners hear it', async () => {
    const { network, work } = room();
    network.setLeader('a', 3);
    const heard: Array<SharedEntry<number>> = [];
    work('b')
      .shared<number>('counter')
      .subscribe((entry) => heard.push(entry));
    const published = work('a').shared<number>('counter').publish(41);
    expect(published).toEqual({ value: 41, term: 3, version: 1 });
    work('a').shared<number>('counter').publish(42);
    await vi.advanceTimersByTimeAsync(5);
    for (const id of ['a', 'b', 'c'])
      expect(work(id).shared('counter').get()).toEqual({ value: 42, term: 3, version: 2 });
    expect(heard.map((e) => e.value)).toEqual([41, 42]);
  });

  it("a follower's publish throws NotLeaderError and changes nothing", async () => {
    const { network, work } = room();
    network.setLeader('a', 1);
    work('a').shared('v').publish('from a');
    await vi.advanceTimersByTimeAsync(5);
    const error = (() => {
      try {
        work('b').shared('v').publish('from b');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(NotLeaderError);
    expect(error).toMatchObject({ leaderId: 'a', term: 1 });
    await vi.advanceTimersByTimeAsync(5);
    for (const id of ['a', 'b', 'c']) expect(work(id).shared('v').get()?.value).toBe('from a');
  });

  it('publish fenced with an old term throws NotLeaderError', () => {
    const { network, work } = room(['a']);
    network.setLeader('a', 1);
    network.setLeader('a', 2);
    expect(() => work('a').shared('v').publish(1, { term: 1 })).toThrow(NotLeaderError);
    expect(work('a').shared('v').publish(1, { term: 2 })).toMatchObject({ term: 2, version: 1 });
  });

  it('a leader that holds a value of a newer term than its own refuses to publish (it is stale)', async () => {
    const { network, work } = room(['a', 'b']);
    network.setLeader('b', 5);
    work('b').shared('v').publish('term 5');
    await vi.advanceTimersByTimeAsync(5);
    network.setLeader('a', 4, ['a']); // a believes it leads an older term
    expect(() => work('a').shared('v').publish('term 4')).toThrow(NotLeaderError);
    expect(work('a').shared('v').get()?.value).toBe('term 5');
  });

  it('followers accept values only from the peer they consider leader', async () => {
    const { network, work } = room();
    network.setLeader('a', 1);
    network.core('b').deliver('c', state('v', 9, 9, 'forged by c'));
    expect(work('b').shared('v').get()).toBeUndefined();
    expect(work('b').stats().ignored).toBeGreaterThan(0);
    network.core('b').deliver('a', state('v', 1, 1, 'from a'));
    expect(work('b').shared('v').get()?.value).toBe('from a');
  });

  it('while no leader is known, a follower still accepts what its last leader sent, and nobody else', () => {
    const { network, work } = room();
    network.setLeader('a', 1);
    network.setLeader(undefined, 1, ['b']); // a left b's view; its successor is not known yet
    const b = network.core('b');
    b.deliver('c', state('v', 1, 1, 'from c'));
    expect(work('b').shared('v').get()).toBeUndefined();
    b.deliver('a', state('v', 1, 1, 'from a, in flight when it left'));
    expect(work('b').shared('v').get()?.value).toBe('from a, in flight when it left');
    network.setLeader('c', 2, ['b']);
    b.deliver('a', state('v', 1, 2, 'from a, too late'));
    expect(work('b').shared('v').get()?.version).toBe(1);
  });

  it('followers ignore values that are not newer in (term, version)', () => {
    const { network, work } = room(['a', 'b']);
    network.setLeader('a', 5);
    const b = network.core('b');
    b.deliver('a', state('v', 5, 3, 'v3'));
    b.deliver('a', state('v', 5, 2, 'older version'));
    b.deliver('a', state('v', 5, 3, 'same version'));
    b.deliver('a', state('v', 4, 9, 'older term'));
    expect(work('b').shared('v').get()).toEqual({ value: 'v3', term: 5, version: 3 });
    b.deliver('a', state('v', 6, 1, 'newer term'));
    expect(work('b').shared('v').get()).toEqual({ value: 'newer term', term: 6, version: 1 });
  });

  it('a late joiner gets the latest values at once from the leader', async () => {
    const { network, work, join } = room(['a', 'b']);
    network.setLeader('a', 2);
    work('a').shared('x').publish(1);
    work('a').shared('y').publish('why');
    await vi.advanceTimersByTimeAsync(5);
    const late = join('late');
    network.setLeader('a', 2, ['late']);
    await vi.advanceTimersByTimeAsync(5);
    expect(late.shared('x').get()).toEqual({ value: 1, term: 2, version: 1 });
    expect(late.shared('y').get()?.value).toBe('why');
  });

  it('a late joiner that learns who leads only after the push gets the values by asking', async () => {
    const { network, work, join } = room(['a', 'b']);
    network.setLeader('a', 2);
    work('a').shared('x').publish('latest');
    await vi.advanceTimersByTimeAsync(5);
    const late = join('late'); // the push arrives while it knows no leader: dropped
    await vi.advanceTimersByTimeAsync(5);
    expect(late.shared('x').get()).toBeUndefined();
    network.setLeader('a', 2, ['late']); // it asks its new leader
    await vi.advanceTimersByTimeAsync(5);
    expect(late.shared('x').get()?.value).toBe('latest');
  });

  it('a new leader continues from the newest value any peer saw, even one it missed', async () => {
    const { network, work } = room(['a', 'b', 'c'], 1000);
    network.setLeader('a', 1);
    await vi.advanceTimersByTimeAsync(5);
    work('a').shared<number>('n').publish(1);
    await vi.advanceTimersByTimeAsync(5);
    network.drop = (m) => m.from === 'a' && m.to === 'b'; // b misses the last value
    work('a').shared<number>('n').publish(2);
    await vi.advanceTimersByTimeAsync(5);
    expect(work('b').shared('n').get()?.value).toBe(1);
    network.drop = undefined;
    const seen: number[] = [];
    work('b').runWhileLeader(({ term }) => {
      const n = work('b').shared<number>('n');
      seen.push(n.get()?.value ?? 0);
      n.publish((n.get()?.value ?? 0) + 1, { term });
    });
    network.setLeader('b', 2);
    await vi.advanceTimersByTimeAsync(20);
    expect(seen).toEqual([2]);
    for (const id of ['a', 'b', 'c'])
      expect(work(id).shared('n').get()).toEqual({ value: 3, term: 2, version: 3 });
  });

  it('during a takeover, adopts only answers to its own request, from peers it asked, of older terms', async () => {
    const { network, work } = room(['a', 'b'], 1000);
    network.setLeader('a', 3);
    const a = network.core('a');
    const nonce = (network.between('a', 'b', 'sync-request')[0] as { nonce: string }).nonce;
    a.deliver('b', { ...state('v', 99, 1, 'from the future'), sync: nonce });
    a.deliver('b', { ...state('v', 2, 1, 'wrong nonce'), sync: 'other' });
    a.deliver('zed', { ...state('v', 2, 1, 'not asked'), sync: nonce });
    expect(work('a').shared('v').get()).toBeUndefined();
    a.deliver('b', { ...state('v', 2, 7, 'older term'), sync: nonce });
    expect(work('a').shared('v').get()).toEqual({ value: 'older term', term: 2, version: 7 });
    expect(work('a').shared('v').publish('next')).toEqual({ value: 'next', term: 3, version: 8 });
  });

  it('validates values with the schema: a publish that fails throws, received ones that fail are dropped', () => {
    const { network, work } = room(['a', 'b']);
    network.setLeader('a', 1);
    const schema = z.object({ n: z.number() });
    expect(() =>
      work('a')
        .shared('s', { schema })
        .publish({ n: 'one' } as never),
    ).toThrow(SharedWorkUsageError);
    expect(work('a').shared('s').get()).toBeUndefined();
    const b = network.core('b');
    work('b').shared('s', { schema });
    const invalidBefore = work('b').stats().invalid;
    b.deliver('a', state('s', 1, 1, { n: 'one' }));
    expect(work('b').shared('s').get()).toBeUndefined();
    expect(work('b').stats().invalid).toBe(invalidBefore + 1);
    b.deliver('a', state('s', 1, 2, { n: 2 }));
    expect(work('b').shared('s').get()?.value).toEqual({ n: 2 });
  });

  it('takes a zod/mini schema as well as a classic one, and infers its value type', () => {
    const { network, work } = room(['a', 'b']);
    network.setLeader('a', 1);
    const schema = zm.object({ n: zm.int().check(zm.minimum(0)) });
    const shared = work('a').shared('mini', { schema });
    expect(() => shared.publish({ n: -1 })).toThrow(SharedWorkUsageError);
    expect(shared.publish({ n: 3 }).value.n).toBe(3);
    expectTypeOf(shared.get()).toEqualTypeOf<SharedEntry<{ n: number }> | undefined>();
  });

  it('checks a value that arrived before its schema was known once the app asks for it', () => {
    const { network, work } = room(['a', 'b']);
    network.setLeader('a', 1);
    network.core('b').deliver('a', state('early', 1, 1, 'text'));
    expect(work('b').shared('early', { schema: z.number() }).get()).toBeUndefined();
    network.core('b').deliver('a', state('early2', 1, 1, 12));
    expect(work('b').shared('early2', { schema: z.number() }).get()?.value).toBe(12);
  });

  it('refuses values with no JSON form or over the size limit, and bad names', () => {
    const { network, work } = room(['a']);
    network.setLeader('a', 1);
    const v = work('a').shared('v');
    expect(() => v.publish('x'.repeat(sharedWorkLimits.maxValueBytes))).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
    expect(() => v.publish(1n)).toThrow(SharedWorkUsageError);
    expect(v.get()).toBeUndefined();
    expect(() => work('a').shared('')).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it(`holds at most ${sharedWorkLimits.maxSharedNames} names; a leader cannot grow a follower past that`, () => {
    const { network, work } = room(['a', 'b']);
    network.setLeader('a', 1);
    const b = network.core('b');
    for (let i = 0; i < sharedWorkLimits.maxSharedNames + 10; i++) b.deliver('a', state(`n${i}`, 1, 1, i));
    expect(work('b').stats().sharedValues).toBe(sharedWorkLimits.maxSharedNames);
    expect(() => work('b').shared('one-more')).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
  });

  it('returns the same handle and a stable snapshot until the next change (useSyncExternalStore)', () => {
    const { network, work } = room(['a']);
    network.setLeader('a', 1);
    const v = work('a').shared('v');
    expect(work('a').shared('v')).toBe(v);
    v.publish({ deep: [1] });
    expect(v.get()).toBe(v.get());
    const before = v.get();
    v.publish({ deep: [2] });
    expect(v.get()).not.toBe(before);
    expect(() => work('a').shared('v', { schema: z.object({}) })).toThrow(SharedWorkUsageError);
  });

  it('keeps the published value safe from later mutation of the object passed in', () => {
    const { network, work } = room(['a']);
    network.setLeader('a', 1);
    const value = { list: [1, 2] };
    work('a').shared('v').publish(value);
    value.list.push(3);
    expect(work('a').shared('v').get()?.value).toEqual({ list: [1, 2] });
  });

  it('reports a listener that throws and still tells the other listeners', () => {
    const { network, work, errors } = room(['a']);
    network.setLeader('a', 1);
    const heard: unknown[] = [];
    work('a')
      .shared('v')
      .subscribe(() => {
        throw new Error('listener boom');
      });
    work('a')
      .shared('v')
      .subscribe((entry) => heard.push(entry.value));
    work('a').shared('v').publish(7);
    expect(heard).toEqual([7]);
    expect((errors[0] as Error).message).toBe('listener boom');
  });

  it('answers a burst of sync requests from one peer, then rate-limits it', () => {
    const { network, work } = room(['a', 'b']);
    network.setLeader('a', 1);
    const a = network.core('a');
    const before = work('a').stats().rateLimited;
    for (let i = 0; i < sharedWorkLimits.syncBurst + 5; i++) {
      a.deliver('b', { ch: sharedWorkChannel, kind: 'sync-request', nonce: `n${i}` });
    }
    expect(work('a').stats().rateLimited - before).toBeGreaterThanOrEqual(5);
    vi.advanceTimersByTime(1000 * sharedWorkLimits.syncBurst);
    a.deliver('b', { ch: sharedWorkChannel, kind: 'sync-request', nonce: 'later' });
    expect(
      network.between('a', 'b', 'sync-end').some((p) => (p as { nonce: string }).nonce === 'later'),
    ).toBe(true);
  });

  it('after dispose, publish throws disposed', () => {
    const { network, work } = room(['a']);
    network.setLeader('a', 1);
    const v = work('a').shared('v');
    work('a').dispose();
    expect(() => v.publish(1)).toThrow(expect.objectContaining({ code: 'disposed' }));
    expect(() => work('a').shared('w')).toThrow(SharedWorkUsageError);
  });
});
