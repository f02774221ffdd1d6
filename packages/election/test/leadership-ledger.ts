import type { ElectionMessage, PeerId } from '../src/index';
import type { NetworkTap, SimulatedCluster } from '../src/simulation/index';

interface Leadership {
  readonly key: string;
  /** Leaderships its leader had heard of (through any chain of messages) when it took this one. */
  readonly knew: ReadonlySet<string>;
  /** The leadership its leader followed (or raised to) right after losing this one. */
  deposedTo?: string;
}

const none: ReadonlySet<string> = new Set();

/**
 * Which leadership is newer than which, by causality rather than by term: every leadership a peer holds
 * ("id@term"), and for every peer the leaderships it has heard of, carried along with each message it sends
 * (a snapshot taken at sending, merged into each recipient's at delivery). Read by the fencing property test.
 */
export class LeadershipLedger {
  private readonly knowledge = new Map<PeerId, ReadonlySet<string>>();
  private readonly snapshots = new WeakMap<ElectionMessage, ReadonlySet<string>>();
  private readonly current = new Map<PeerId, string>();
  private readonly leaderships = new Map<string, Leadership>();

  constructor(private readonly cluster: SimulatedCluster) {}

  /** The network tap that carries knowledge along with messages. */
  tap(): NetworkTap {
    return {
      sent: (from, message) => {
        this.sync(from);
        this.snapshots.set(message, this.knowledge.get(from) ?? none);
      },
      delivered: (_from, to, message) => {
        this.sync(to);
        this.learn(to, this.snapshots.get(message) ?? none);
      },
    };
  }

  /** Reads a running peer's state; records a leadership it gained or lost. Returns the one it holds. */
  sync(id: PeerId): string | undefined {
    const peer = this.cluster.peer(id);
    if (!peer.running) return undefined;
    const state = peer.election.state();
    const key = state.role === 'leader' ? `${id}@${state.term}` : undefined;
    const held = this.current.get(id);
    if (held === key) return key;
    if (held !== undefined) {
      const lost = this.leaderships.get(held) as Leadership;
      if (key !== undefined) lost.deposedTo = key;
      else if (state.leaderId !== undefined) lost.deposedTo = `${state.leaderId}@${state.term}`;
      this.current.delete(id);
    }
    if (key !== undefined) {
      const knew = this.knowledge.get(id) ?? none;
      this.leaderships.set(key, { key, knew });
      this.current.set(id, key);
      this.learn(id, new Set([key]));
    }
    return key;
  }

  syncAll(): void {
    for (const id of this.cluster.running()) this.sync(id);
  }

  /** The peer is about to stop or crash: its leadership ends with no successor it followed. */
  retire(id: PeerId): void {
    this.sync(id);
    this.current.delete(id);
  }

  /** The peer restarts with a fresh election: it remembers nothing. */
  forget(id: PeerId): void {
    this.current.delete(id);
    this.knowledge.delete(id);
  }

  /** Is leadership `n` newer than `l` (its leader had heard of `l`, or `l`'s leader followed `n` on losing it)? */
  isNewer(n: string, l: string): boolean {
    return this.why(n, l) !== undefined;
  }

  why(n: string, l: string): string | undefined {
    if (n === l) return undefined;
    if (this.leaderships.get(n)?.knew.has(l)) return `${n.split('@')[0]} had heard of ${l} when it took ${n}`;
    if (this.leaderships.get(l)?.deposedTo === n) return `${l.split('@')[0]} followed ${n} on losing ${l}`;
    return undefined;
  }

  /** How many ordered pairs of leaderships are related by {@link isNewer}. */
  newerPairs(): number {
    let pairs = 0;
    for (const n of this.leaderships.keys())
      for (const l of this.leaderships.keys()) if (this.isNewer(n, l)) pairs++;
    return pairs;
  }

  private learn(id: PeerId, heard: ReadonlySet<string>): void {
    const known = this.knowledge.get(id) ?? none;
    let merged: Set<string> | undefined;
    for (const key of heard) {
      if (known.has(key)) continue;
      merged ??= new Set(known);
      merged.add(key);
    }
    if (merged) this.knowledge.set(id, merged);
  }
}
