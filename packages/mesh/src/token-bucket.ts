import type { Clock } from '@conclave/election';

/** A token bucket: `burst` tokens, refilled at `perSecond`. Bounds how many messages a link may deliver. */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.#tokens = burst;
    this.#updatedAt = clock.now();
  }

  /** Takes a token when one is left; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1000) * this.perSecond);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
