import type { SimplePeerSignal } from './link-signal';

/**
 * Decides which of one link attempt's outgoing signals are worth relaying. Some WebRTC stacks (libwebrtc in
 * Node, seen with @roamhq/wrtc under load) re-gather host candidates over and over, each time on a new port:
 * dozens per link, enough to exhaust the signaling server's per-socket rate limit when 8 tabs mesh at once.
 * A host candidate that differs from one already sent only by its port adds nothing, so it is suppressed;
 * and no attempt relays more than `maxSignals` signals.
 */
export class CandidateFilter {
  readonly #seen = new Set<string>();
  #relayed = 0;

  constructor(private readonly maxSignals: number) {}

  /** Whether to relay `signal`; counts it when it does. */
  admit(signal: SimplePeerSignal): boolean {
    if (this.#relayed >= this.maxSignals) return false;
    if (signal.type === 'candidate') {
      const key = hostCandidateKey(signal.candidate.candidate);
      if (key !== undefined) {
        if (this.#seen.has(key)) return false;
        this.#seen.add(key);
      }
    }
    this.#relayed++;
    return true;
  }
}

/**
 * A host candidate's identity without its port (`candidate:<foundation> <component> <transport> <priority>
 * <address> <port> typ host ...`); undefined for other candidate types, which pass unfiltered.
 */
export function hostCandidateKey(candidate: string): string | undefined {
  const fields = candidate.trim().split(/\s+/);
  if (fields.length < 8 || fields[6] !== 'typ' || fields[7] !== 'host') return undefined;
  const tcpType = fields.indexOf('tcptype');
  return [...fields.slice(0, 5), fields[7], tcpType >= 0 ? fields[tcpType + 1] : ''].join(' ');
}
