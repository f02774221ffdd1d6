/** What the mesh received, sent and dropped since the room was joined. Every drop has a counter. */
export interface MeshStats {
  /** Data-channel messages received (before validation) and sent. */
  readonly received: number;
  readonly sent: number;
  readonly dropped: {
    /** Larger than `meshLimits.maxMessageBytes`: dropped before parsing. */
    readonly oversize: number;
    /** Not UTF-8 or not JSON. */
    readonly badJson: number;
    /** JSON, but not a valid envelope. */
    readonly badShape: number;
    /** An `election` envelope whose message is not a valid election message. */
    readonly badElection: number;
    /** An election message claiming a sender other than the peer whose channel it arrived on. */
    readonly spoofed: number;
    /** Dropped by the test fault wrapper (`faults: true`): counted by the room, never by the mesh itself. */
    readonly faulted: number;
    /** Over a link's inbound rate limit. */
    readonly rateLimited: number;
    /** Not sent: the data channel had too much buffered. */
    readonly backpressure: number;
  };
  readonly signals: {
    readonly sent: number;
    /** Relayed signal data that is not a link signal. */
    readonly invalid: number;
    /** Signals of an abandoned link attempt, link requests sent to the wrong side or too often. */
    readonly stale: number;
    /** From a new peer while this tab already has `meshLimits.maxPeers` peers. */
    readonly refused: number;
    /** Outgoing candidates not relayed: a host candidate sent already on another port, or over the attempt's cap. */
    readonly suppressed: number;
  };
  readonly links: {
    readonly opened: number;
    /** Open links that closed (bye, remote gone, peer left). */
    readonly closed: number;
    /** Attempts that never opened (timeout, ICE or negotiation failure). */
    readonly failed: number;
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** The mutable counters behind {@link MeshStats}. */
export type MeshCounters = Mutable<MeshStats>;

export function newMeshCounters(): MeshCounters {
  return {
    received: 0,
    sent: 0,
    dropped: {
      oversize: 0,
      badJson: 0,
      badShape: 0,
      badElection: 0,
      spoofed: 0,
      faulted: 0,
      rateLimited: 0,
      backpressure: 0,
    },
    signals: { sent: 0, invalid: 0, stale: 0, refused: 0, suppressed: 0 },
    links: { opened: 0, closed: 0, failed: 0 },
  };
}

/** A deep, frozen copy for callers. */
export function snapshotCounters(counters: MeshCounters): MeshStats {
  return Object.freeze({
    ...counters,
    dropped: Object.freeze({ ...counters.dropped }),
    signals: Object.freeze({ ...counters.signals }),
    links: Object.freeze({ ...counters.links }),
  });
}

/** `stats` with what the test fault wrapper dropped: it sits outside the mesh, which never counts it. */
export function withFaultDrops(stats: MeshStats, faulted: number): MeshStats {
  if (faulted === stats.dropped.faulted) return stats;
  return Object.freeze({ ...stats, dropped: Object.freeze({ ...stats.dropped, faulted }) });
}
