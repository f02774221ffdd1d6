import type { Clock } from '@conclave/election';

/**
 * The real clock. Reads the global timer functions at call time, so fake timers installed later (tests)
 * are honoured.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};
