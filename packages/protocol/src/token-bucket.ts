/** What a token bucket reads the time from: any clock with a monotonic `now()` in ms. */
export interface TimeSource {
  now(): number;
}

/** A token bucket: `burst` tokens, refilled at `perSecond`. Bounds how often something may happen. */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly clock: TimeSource,
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.#tokens = burst;
    this.#updatedAt = clock.now();
  }

  /** Takes a token when one is left; false when the bucket is empty. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True once the bucket is full again (its owner may forget it). */
  isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.burst;
  }

  #refill(): void {
    const now = this.clock.now();
    // A clock that steps back (a fake one, or a Worker's) must not drain the bucket.
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1000) * this.perSecond);
    this.#updatedAt = now;
  }
}
