/**
 * A link's round-trip estimate in the manner of RFC 6298 (SRTT and RTTVAR, gains 1/8 and 1/4), giving the
 * time a liveness probe waits for its pong: SRTT + 4 × RTTVAR, never below `floorMs` (scheduling jitter of a
 * busy tab) nor above `ceilingMs`. Until a first sample arrives it answers `initialMs`.
 */
export class RttEstimator {
  #srtt: number | undefined;
  #rttvar = 0;

  constructor(
    private readonly floorMs: number,
    private readonly initialMs: number,
    private readonly ceilingMs: number,
  ) {}

  /** Adds one measured round trip, in ms; a negative or non-finite one is ignored. */
  sample(rttMs: number): void {
    if (!Number.isFinite(rttMs) || rttMs < 0) return;
    if (this.#srtt === undefined) {
      this.#srtt = rttMs;
      this.#rttvar = rttMs / 2;
      return;
    }
    this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - rttMs);
    this.#srtt = 0.875 * this.#srtt + 0.125 * rttMs;
  }

  /** How long a probe waits for its pong before the link counts as dead. */
  timeoutMs(): number {
    if (this.#srtt === undefined) return this.initialMs;
    return Math.min(this.ceilingMs, Math.max(this.floorMs, this.#srtt + 4 * this.#rttvar));
  }

  /** The smoothed round trip, when measured. */
  get srttMs(): number | undefined {
    return this.#srtt;
  }
}
