import type { Clock } from '@conclave/election';
import { type MeshTimings, meshLimits } from './limits';
import { RttEstimator } from './rtt-estimator';

/**
 * The ping/pong of one link: samples its round trip (a ping when it opens and every `rttPingIntervalMs`)
 * and runs the liveness probe signaling's `peer-left` asks for. The probe gives the pong the link's own
 * bound (see {@link RttEstimator}): a fast link is judged dead quickly, a slow one is not dropped early.
 */
export class LinkProbe {
  readonly #rtt: RttEstimator;
  /** Pings in flight: number → when sent (bounded; the oldest is forgotten). */
  readonly #pending = new Map<number, number>();
  #next = 0;
  #probe: { readonly n: number; readonly timer: unknown } | undefined;

  constructor(
    private readonly clock: Clock,
    timings: MeshTimings,
    /** Sends `{ ch: 'ping', n }` on the link; false when it could not. */
    private readonly sendPing: (n: number) => boolean,
  ) {
    this.#rtt = new RttEstimator(
      timings.peerLeftProbeFloorMs,
      timings.peerLeftProbeMs,
      timings.peerLeftProbeMaxMs,
    );
  }

  /** Whether a liveness probe waits for its pong. */
  get probing(): boolean {
    return this.#probe !== undefined;
  }

  /** The link's smoothed round trip, once measured. */
  get rttMs(): number | undefined {
    return this.#rtt.srttMs;
  }

  /** How long a liveness probe started now would wait for its pong. */
  timeoutMs(): number {
    return this.#rtt.timeoutMs();
  }

  /** Sends a ping to sample the round trip. */
  ping(): number {
    const n = this.#next;
    this.#next = (this.#next + 1) % 2 ** 31;
    if (this.#pending.size >= meshLimits.maxPingsInFlight) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
    this.#pending.set(n, this.clock.now());
    if (!this.sendPing(n)) this.#pending.delete(n);
    return n;
  }

  /**
   * Starts the liveness probe: `dead` runs unless a pong to it arrives within {@link LinkProbe.timeoutMs}.
   * With `afterMs`, the ping goes only that much later (a cancel meanwhile stops it).
   */
  probe(dead: () => void, afterMs = 0): void {
    if (this.#probe) return;
    if (afterMs > 0) {
      const timer = this.clock.setTimeout(() => {
        if (this.#probe?.timer !== timer) return;
        this.#probe = undefined;
        this.probe(dead);
      }, afterMs);
      this.#probe = { n: -1, timer }; // no pong answers -1
      return;
    }
    const timeout = this.timeoutMs();
    const n = this.ping();
    const timer = this.clock.setTimeout(() => {
      if (this.#probe?.timer !== timer) return;
      this.#probe = undefined;
      dead();
    }, timeout);
    this.#probe = { n, timer };
  }

  /** A pong arrived: a round-trip sample, and the end of the probe it answers. */
  pong(n: number): void {
    const sentAt = this.#pending.get(n);
    if (sentAt === undefined) return;
    this.#pending.delete(n);
    this.#rtt.sample(this.clock.now() - sentAt);
    if (this.#probe?.n === n) this.cancel();
  }

  /** Stops the liveness probe (the peer is back in the room, or the link is gone). */
  cancel(): void {
    if (!this.#probe) return;
    this.clock.clearTimeout(this.#probe.timer);
    this.#probe = undefined;
  }

  /** A new link replaces the old one: pings of the old one no longer count. */
  reset(): void {
    this.cancel();
    this.#pending.clear();
  }
}
