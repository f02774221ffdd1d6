/** How a retry loop waits longer after each failure. */
export interface Backoff {
  /** The wait before the first retry, in ms. */
  readonly firstMs: number;
  /** The longest wait, in ms. */
  readonly maxMs: number;
  /**
   * Spread each wait over ±`jitter` of itself (0.5: from half to one and a half), so peers that failed
   * together do not retry together. Default 0.
   */
  readonly jitter?: number;
}

/** Past this exponent the wait has long reached any sensible cap; stops `2 ** n` from overflowing. */
const maxExponent = 30;

/**
 * The wait before retry number `attempt` (1-based): `firstMs`, doubling, at most `maxMs`, then jittered.
 * The one exponential backoff every retry loop outside the election uses.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponent = Math.min(maxExponent, Math.max(0, attempt - 1));
  const base = Math.min(backoff.maxMs, backoff.firstMs * 2 ** exponent);
  const jitter = backoff.jitter ?? 0;
  return jitter === 0 ? base : base * (1 - jitter + 2 * jitter * random());
}
