import type { Clock } from './types';

/** The timer functions every JavaScript host has; typed here so `src/` needs neither DOM nor Node types. */
interface HostTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  performance?: { now(): number };
}

const host = globalThis as unknown as HostTimers;

/**
 * Real time: the host's `setTimeout` and a monotonic `performance.now()` (falling back to `Date.now()`).
 * In a hidden browser tab these timers are throttled; the mesh runs the election's timers in a Worker instead.
 */
export const systemClock: Clock = {
  now: () => (host.performance ? host.performance.now() : Date.now()),
  setTimeout: (fn, ms) => host.setTimeout(fn, ms),
  clearTimeout: (handle) => host.clearTimeout(handle),
};
