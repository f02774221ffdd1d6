import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, jsonSize, Listeners, TokenBucket, throughJson } from '../src';

describe('backoffDelay', () => {
  it('starts at firstMs, doubles per attempt and stops at maxMs', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, { firstMs: 250, maxMs: 3_000 }));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 3_000, 3_000]);
  });

  it('treats attempt 0 like the first and stays finite for huge attempts', () => {
    expect(backoffDelay(0, { firstMs: 100, maxMs: 1_000 })).toBe(100);
    expect(backoffDelay(10_000, { firstMs: 100, maxMs: 1_000 })).toBe(1_000);
    expect(backoffDelay(10_000, { firstMs: 0, maxMs: 1_000 })).toBe(0);
  });

  it('spreads a jittered wait over ±jitter of itself', () => {
    const backoff = { firstMs: 1_000, maxMs: 1_000, jitter: 0.5 };
    expect(backoffDelay(1, backoff, () => 0)).toBe(500);
    expect(backoffDelay(1, backoff, () => 0.5)).toBe(1_000);
    expect(backoffDelay(1, backoff, () => 0.999)).toBeCloseTo(1_499, 0);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at perSecond, never beyond the burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ now: () => now }, 3, 2);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 500; // one token back
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 60_000;
    expect(bucket.isFull()).toBe(true);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('is not drained by a clock that steps back', () => {
    let now = 1_000;
    const bucket = new TokenBucket({ now: () => now }, 1, 1);
    expect(bucket.take()).toBe(true);
    now = 0;
    expect(bucket.take()).toBe(false);
    now = 1_000;
    expect(bucket.take()).toBe(true);
  });
});

describe('Listeners', () => {
  it('reports a throwing listener and still calls the others', () => {
    const report = vi.fn();
    const listeners = new Listeners<[number]>(report);
    const seen: number[] = [];
    listeners.add(() => {
      throw new Error('boom');
    });
    listeners.add((value) => seen.push(value));
    listeners.emit(7);
    expect(seen).toEqual([7]);
    expect(report).toHaveBeenCalledWith(new Error('boom'));
  });

  it('keeps each subscription of the same function apart', () => {
    const listeners = new Listeners<[]>();
    const listener = vi.fn();
    const stopFirst = listeners.add(listener);
    listeners.add(listener);
    stopFirst();
    listeners.emit();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(1);
  });
});

describe('jsonSize', () => {
  it('counts UTF-8 bytes of the JSON form, Infinity when there is none', () => {
    expect(jsonSize({ a: 'é' })).toBe(new TextEncoder().encode('{"a":"é"}').byteLength);
    expect(jsonSize('😀')).toBe(6);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonSize(cycle)).toBe(Number.POSITIVE_INFINITY);
    expect(jsonSize(10n)).toBe(Number.POSITIVE_INFINITY);
  });

  it('throughJson returns the round-tripped value within the bound only', () => {
    expect(throughJson({ at: new Date(0) }, 100)).toEqual({ value: { at: '1970-01-01T00:00:00.000Z' } });
    expect(throughJson('x'.repeat(10), 5)).toBeUndefined();
    expect(throughJson(undefined, 10)).toEqual({ value: null });
  });
});
