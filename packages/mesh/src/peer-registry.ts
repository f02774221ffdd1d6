import { type Clock, compareIds, type PeerId } from '@conclave/election';
import type { MeshTimings } from './limits';
import type { MeshCounters } from './mesh-stats';
import { clearRetry, newPeerEntry, type PeerEntry } from './peer-entry';

/**
 * The peers one mesh knows: those signaling lists in the room and those it still has a link (or a running
 * probe) with. Bounded: a peer beyond `maxPeers` is refused and counted, never stored.
 */
export class PeerRegistry {
  readonly #entries = new Map<PeerId, PeerEntry>();
  #pingTimer: unknown;

  constructor(
    private readonly selfId: PeerId,
    private readonly clock: Clock,
    private readonly timings: MeshTimings,
    private readonly maxPeers: number,
    private readonly counters: MeshCounters,
    /** Sends `{ ch: 'ping', n }` to `peer` over its link; false when it could not. */
    private readonly sendPing: (peer: PeerId, n: number) => boolean,
  ) {}

  get(peer: PeerId): PeerEntry | undefined {
    return this.#entries.get(peer);
  }

  /** The entry of `peer`, created if new; undefined (and counted) when the registry is full. */
  admit(peer: PeerId): PeerEntry | undefined {
    const entry = this.#entries.get(peer);
    if (entry) return entry;
    if (this.#entries.size >= this.maxPeers) {
      this.counters.signals.refused++;
      return undefined;
    }
    const created = newPeerEntry(this.selfId, peer, this.clock, this.timings, (n) => this.sendPing(peer, n));
    this.#entries.set(peer, created);
    return created;
  }

  values(): IterableIterator<PeerEntry> {
    return this.#entries.values();
  }

  /** Every entry, ordered by id as the election orders ids. */
  sorted(): PeerEntry[] {
    return [...this.#entries.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  /** Forgets a peer that is neither in the room nor linked nor being probed. */
  forgetIfIdle(entry: PeerEntry): void {
    if (!entry.inRoom && !entry.link && !entry.probe.probing) {
      clearRetry(entry, this.clock);
      this.#entries.delete(entry.id);
    }
  }

  /**
   * Samples every open link's round trip every `rttPingIntervalMs` (links whose transport notices their end
   * need no probe), so a probe knows how long to wait. Until {@link clear}.
   */
  pingPeriodically(): void {
    this.#pingTimer = this.clock.setTimeout(() => {
      for (const entry of this.#entries.values())
        if (entry.opened && !entry.transport?.noticesEnd) entry.probe.ping();
      this.pingPeriodically();
    }, this.timings.rttPingIntervalMs);
  }

  /** Forgets every peer and stops the pings. */
  clear(): void {
    this.clock.clearTimeout(this.#pingTimer);
    this.#pingTimer = undefined;
    this.#entries.clear();
  }
}
