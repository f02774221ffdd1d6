import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesceChanges } from '../src/coalesce-changes';

/** A store whose changes the test fires by hand. */
function store() {
  const listeners = new Set<() => void>();
  return {
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change: () => {
      for (const listener of listeners) listener();
    },
    listeners,
  };
}

describe('coalesceChanges', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('passes the first change at once and merges a burst into one trailing call per interval', () => {
    const source = store();
    const listener = vi.fn();
    coalesceChanges(source.subscribe, 100, () => Date.now())(listener);

    source.change();
    expect(listener).toHaveBeenCalledTimes(1);
    for (let n = 0; n < 200; n++) source.change();
    expect(listener).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(99);
    expect(listener).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(listener).toHaveBeenCalledTimes(2);

    // A change after a quiet interval is passed on at once again.
    vi.advanceTimersByTime(500);
    source.change();
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('unsubscribing removes the inner listener and cancels a pending trailing call', () => {
    const source = store();
    const listener = vi.fn();
    const unsubscribe = coalesceChanges(source.subscribe, 100, () => Date.now())(listener);
    source.change();
    source.change();
    unsubscribe();
    vi.advanceTimersByTime(1_000);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(source.listeners.size).toBe(0);
  });
});
