import { createElection } from '../election';
import type {
  Election,
  ElectionAdapter,
  ElectionConfig,
  ElectionEvent,
  ElectionState,
  LeadershipInfo,
  PeerId,
} from '../types';
import { AgreementTracker } from './agreement';
import { type JoinOptions, type NetworkOptions, SimulatedNetwork } from './network';
import { VirtualClock } from './virtual-clock';

export interface ClusterOptions extends NetworkOptions {
  /** Election config of every peer (default: the election's own default, browserDefaults). */
  config?: Partial<ElectionConfig>;
  /** Record every peer's events, callbacks and metrics reports (default true; benchmarks turn it off). */
  record?: boolean;
  /**
   * Most clock tasks (deliveries and timers) per simulated second before the run fails fast with a
   * SimulationStormError. Default: {@link defaultTaskBound} of the number of peers started.
   */
  maxTasksPerSecond?: number;
}

/**
 * The default storm bound for `peers` peers started: far above a healthy election (a start-up where everyone
 * proposes is N² deliveries, heartbeats N per T/2), far below a storm whose messages multiply (several leaders
 * each raising their term on every declaration they hear), which would otherwise hang the test.
 */
export function defaultTaskBound(peers: number): number {
  return Math.max(20_000, 200 * peers * peers);
}

export interface StartOptions extends JoinOptions {
  config?: Partial<ElectionConfig>;
}

/** What one simulated peer did, as seen through its callbacks (recorded when the cluster records). */
export interface PeerRecord {
  readonly id: PeerId;
  readonly election: Election;
  readonly events: Array<{ readonly event: ElectionEvent; readonly state: ElectionState }>;
  readonly callbacks: Array<{
    readonly at: number;
    readonly isLeader: boolean;
    readonly info: LeadershipInfo;
  }>;
  readonly metrics: Array<{ readonly at: number; readonly isLeader: boolean }>;
  /** False once stopped or crashed. */
  running: boolean;
}

/** The verdict of {@link SimulatedCluster.convergence}. */
export interface Convergence {
  readonly converged: boolean;
  /** One line per component that has not converged. */
  readonly problems: readonly string[];
}

/**
 * Elections on a simulated network, driven by one virtual clock: start, stop, crash peers, partition and heal,
 * run simulated time, and check that every connected component has exactly one agreed leader.
 */
export class SimulatedCluster {
  readonly clock: VirtualClock;
  readonly network: SimulatedNetwork;
  private readonly peers = new Map<PeerId, PeerRecord>();
  private readonly config: Partial<ElectionConfig> | undefined;
  private readonly record: boolean;
  private readonly agreement = new AgreementTracker();
  private readonly fixedTaskBound: number | undefined;
  private launched = 0;

  constructor(options: ClusterOptions = {}) {
    this.fixedTaskBound = options.maxTasksPerSecond;
    this.clock = new VirtualClock(0, {
      maxTasksPerSecond: options.maxTasksPerSecond ?? defaultTaskBound(0),
    });
    this.network = new SimulatedNetwork(this.clock, options);
    this.config = options.config;
    this.record = options.record ?? true;
  }

  /** Joins the network and starts an election now. */
  start(id: PeerId, options: StartOptions = {}): Election {
    const { config, ...join } = options;
    return this.launch(id, this.network.join(id, join), config);
  }

  /**
   * Starts many peers at the same instant. They all join the network first, so each starts with the full
   * view (as tabs of a completed mesh do), and no election is told about the others joining one by one.
   */
  startAll(ids: readonly PeerId[], options: StartOptions = {}): void {
    const { config, ...join } = options;
    const adapters = this.network.joinAll(ids, join);
    ids.forEach((id, i) => {
      this.launch(id, adapters[i] as ElectionAdapter, config);
    });
  }

  /** Starts a peer at a later simulated time. */
  startAt(at: number, id: PeerId, options: StartOptions = {}): void {
    this.clock.schedule(at, () => this.start(id, options));
  }

  /** Graceful stop: the election hands over (if leading), then the peer leaves the network. */
  stop(id: PeerId): void {
    const peer = this.peer(id);
    peer.election.stop();
    this.retire(peer);
    this.network.leave(id);
  }

  /** The peer dies silently (nothing it sends gets out); see {@link SimulatedNetwork.crash}. */
  crash(id: PeerId, options: { detectAfter?: number | 'never' } = {}): void {
    const peer = this.peer(id);
    this.network.crash(id, options);
    this.retire(peer);
    peer.election.stop();
  }

  private retire(peer: PeerRecord): void {
    if (!peer.running) return;
    peer.running = false;
    this.agreement.remove(peer.id);
  }

  private launch(
    id: PeerId,
    adapter: ElectionAdapter,
    config: Partial<ElectionConfig> | undefined,
  ): Election {
    this.launched++;
    if (this.fixedTaskBound === undefined) this.clock.maxTasksPerSecond = defaultTaskBound(this.launched);
    const record: PeerRecord = {
      id,
      election: undefined as unknown as Election,
      events: [],
      callbacks: [],
      metrics: [],
      running: true,
    };
    const recording = this.record;
    if (recording) {
      adapter.reportMetrics = (isLeader) => record.metrics.push({ at: this.clock.now(), isLeader });
    }
    const election = createElection({
      id,
      adapter,
      clock: this.clock,
      config: config ?? this.config,
      onLeadershipChange: recording
        ? (isLeader, info) => record.callbacks.push({ at: this.clock.now(), isLeader, info })
        : undefined,
    });
    (record as { election: Election }).election = election;
    this.peers.set(id, record);
    this.agreement.add();
    election.subscribe((event, state) => {
      if (record.running) this.agreement.update(id, state);
      if (recording) record.events.push({ event, state });
    });
    return election;
  }

  peer(id: PeerId): PeerRecord {
    const peer = this.peers.get(id);
    if (!peer) throw new Error(`unknown peer ${id}`);
    return peer;
  }

  election(id: PeerId): Election {
    return this.peer(id).election;
  }

  /** Ids of the peers still running. */
  running(): PeerId[] {
    return [...this.peers.values()].filter((peer) => peer.running).map((peer) => peer.id);
  }

  /** Running peers that consider themselves leader. */
  leaders(): PeerId[] {
    return this.running().filter((id) => this.election(id).isLeader());
  }

  /** Connected components of running peers. */
  components(): PeerId[][] {
    return this.network
      .components()
      .map((component) => component.filter((id) => this.peers.get(id)?.running))
      .filter((component) => component.length > 0);
  }

  /** Exactly one leader per component, and every member agrees on its id and term? */
  convergence(): Convergence {
    const problems: string[] = [];
    for (const component of this.components()) {
      const leaders = component.filter((id) => this.election(id).isLeader());
      if (leaders.length !== 1) {
        problems.push(
          `component [${component.join(',')}] has ${leaders.length} leaders [${leaders.join(',')}]`,
        );
        continue;
      }
      const leader = leaders[0] as PeerId;
      const term = this.election(leader).term;
      const dissent = component.filter((id) => {
        const election = this.election(id);
        return election.leaderId() !== leader || election.term !== term;
      });
      if (dissent.length > 0) {
        const views = dissent.map((id) => `${id}→${this.election(id).leaderId()}@${this.election(id).term}`);
        problems.push(`component led by ${leader}@${term}: ${views.join(' ')}`);
      }
    }
    return { converged: problems.length === 0, problems };
  }

  isConverged(): boolean {
    // Unpartitioned, everyone running is one component: the incremental tracker answers in O(1).
    if (!this.network.isPartitioned()) return this.agreement.converged();
    return this.convergence().converged;
  }

  run(ms: number): void {
    this.clock.runFor(ms);
  }

  /** Runs until `condition` holds (checked after every task) or `within` ms pass; returns whether it held. */
  runUntil(condition: () => boolean, within: number): boolean {
    return this.clock.runUntilTrue(condition, within);
  }

  /**
   * Runs until converged (checked after every task); returns the simulated time at which convergence was
   * first seen, or undefined if not within `within` ms.
   */
  runUntilConverged(within: number): number | undefined {
    return this.runUntil(() => this.isConverged(), within) ? this.clock.now() : undefined;
  }
}
