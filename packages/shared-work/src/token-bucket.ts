import type { Clock } from '@conclave/election';

/** A token bucket: `burst` tokens, refilled at `perSecond`. Bounds how often a peer gets an answer. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  /** Takes a token when one is left; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True once the bucket is full again (its owner may forget it). */
  isFull(): boolean {
    return this.tokens + ((this.clock.now() - this.updatedAt) / 1000) * this.perSecond >= this.burst;
  }
}
