import { createRandom, hash01, type Random } from './random';

/** How the simulated links behave. Every random choice comes from `seed`. */
export interface NetworkOptions {
  /** Seed of every random choice (latencies, jitter, loss). Default 1. */
  seed?: number;
  /** Base one-way latency of each link, fixed per link, uniform in [min, max] ms. Default 1..5 ms. */
  latency?: { readonly min: number; readonly max: number };
  /** Extra delay of each message, uniform in [0, jitter] ms (so messages on one link may overtake). Default 0. */
  jitter?: number;
  /** Probability that a message is lost. Default 0. */
  loss?: number;
}

/**
 * The links of a simulated network, between peers numbered in joining order: each link's base latency
 * (fixed per link, from the seed, unless overridden), each message's jitter and its chance of loss.
 */
export class LinkModel {
  private readonly random: Random;
  private readonly seed: number;
  private readonly latencyMin: number;
  private readonly latencyMax: number;
  private jitter: number;
  private loss: number;
  private readonly overrides = new Map<string, number>();

  constructor(options: NetworkOptions) {
    this.seed = options.seed ?? 1;
    this.random = createRandom(this.seed);
    this.latencyMin = options.latency?.min ?? 1;
    this.latencyMax = options.latency?.max ?? 5;
    this.jitter = options.jitter ?? 0;
    this.loss = options.loss ?? 0;
    if (!(this.latencyMin >= 0 && this.latencyMax >= this.latencyMin))
      throw new RangeError('bad latency range');
  }

  setLoss(probability: number): void {
    this.loss = probability;
  }

  setJitter(ms: number): void {
    this.jitter = ms;
  }

  /** Overrides the base latency of the link between peers `a` and `b` (both directions). */
  setLatency(a: number, b: number, ms: number): void {
    this.overrides.set(key(a, b), ms);
  }

  /** The longest a message can take (ignoring per-link overrides): the base maximum plus the jitter. */
  get longestDelay(): number {
    return this.latencyMax + this.jitter;
  }

  /** The one-way delay of the next message from peer `a` to peer `b`, or undefined if it is lost. */
  delay(a: number, b: number): number | undefined {
    if (this.loss > 0 && this.random.chance(this.loss)) return undefined;
    return this.baseLatency(a, b) + (this.jitter > 0 ? this.random.next() * this.jitter : 0);
  }

  private baseLatency(a: number, b: number): number {
    if (this.overrides.size > 0) {
      const override = this.overrides.get(key(a, b));
      if (override !== undefined) return override;
    }
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    return this.latencyMin + (this.latencyMax - this.latencyMin) * hash01(this.seed, lo, hi);
  }
}

function key(a: number, b: number): string {
  return a < b ? `${a},${b}` : `${b},${a}`;
}
