import { setImmediate } from 'node:timers/promises';
import {
  createElection,
  type Election,
  type ElectionAdapter,
  type ElectionConfig,
  type ElectionMessage,
  type PeerId,
} from '@conclave/election';
import { type NetworkOptions, SimulatedNetwork, VirtualClock } from '@conclave/election/simulation';
import { createLeaderWork, type LeaderWork, type LeaderWorkOptions } from '../../src';
import type { Leadership, RoomCore } from '../../src/room-core';

/** The simulated network carries app payloads as election-shaped messages of this type (one channel, as in a mesh). */
const appType = 'app';

interface AppMessage extends ElectionMessage {
  readonly type: typeof appType;
  readonly payload: unknown;
}

/** One simulated tab: the real election and leader-work over a {@link RoomCore} on the simulated network. */
export interface SimulatedPeer {
  readonly id: PeerId;
  readonly election: Election;
  readonly core: RoomCore;
  readonly work: LeaderWork;
}

/**
 * Tabs running the real election on `@conclave/election/simulation`'s network and virtual clock. App payloads
 * and election messages share each link (same latency, same order), like the mesh's data channels; payloads
 * cross it as JSON.
 */
export class SimulatedRoom {
  readonly clock = new VirtualClock();
  readonly network: SimulatedNetwork;
  readonly peers = new Map<PeerId, SimulatedPeer>();
  /** Drops app payloads (not election messages) for which it returns true, on arrival. */
  dropApp: ((from: PeerId, to: PeerId) => boolean) | undefined;

  constructor(
    options: NetworkOptions = {},
    private readonly config: Partial<ElectionConfig> = {},
    private readonly workOptions: LeaderWorkOptions = {},
  ) {
    this.network = new SimulatedNetwork(this.clock, options);
  }

  /** Starts tabs at the same instant, each seeing the others from the start. */
  startAll(ids: readonly PeerId[]): SimulatedPeer[] {
    const adapters = ids.map((id) => [id, this.network.join(id)] as const);
    return adapters.map(([id, adapter]) => this.launch(id, adapter));
  }

  /** Starts one tab now (a late joiner). */
  start(id: PeerId): SimulatedPeer {
    return this.launch(id, this.network.join(id));
  }

  peer(id: PeerId): SimulatedPeer {
    const peer = this.peers.get(id);
    if (peer === undefined) throw new Error(`no peer ${id}`);
    return peer;
  }

  /** Graceful stop: the election hands over, leader-work is disposed, the tab leaves. */
  stop(id: PeerId): void {
    const peer = this.peer(id);
    peer.election.stop();
    peer.work.dispose();
    this.network.leave(id);
    this.peers.delete(id);
  }

  /** The tab dies silently; the others notice its departure after `detectAfter` ms. */
  crash(id: PeerId, detectAfter = 0): void {
    const peer = this.peer(id);
    this.network.crash(id, { detectAfter });
    peer.election.stop();
    peer.work.dispose();
    this.peers.delete(id);
  }

  /** Running tabs that lead. */
  leaders(): PeerId[] {
    return [...this.peers.values()].filter((p) => p.election.isLeader()).map((p) => p.id);
  }

  /** One agreed leader (every running tab follows it at the same term)? */
  agreedLeader(): PeerId | undefined {
    const leaders = this.leaders();
    if (leaders.length !== 1) return undefined;
    const leader = this.peer(leaders[0] as PeerId).election;
    const agreed = [...this.peers.values()].every(
      (p) => p.election.leaderId() === leader.id && p.election.term === leader.term,
    );
    return agreed ? leader.id : undefined;
  }

  /**
   * Advances virtual time by `ms`, one task at a time, letting promise callbacks (handlers, answers of
   * local calls) run between tasks as they would between a browser's timer callbacks.
   */
  async run(ms: number): Promise<void> {
    const deadline = this.clock.now() + ms;
    await this.runUntil(() => false, deadline);
  }

  /** Like {@link run}, stopping as soon as `condition` holds; returns whether it held within `ms`. */
  async runUntil(condition: () => boolean, deadlineOrWithin: number, absolute = true): Promise<boolean> {
    const deadline = absolute ? deadlineOrWithin : this.clock.now() + deadlineOrWithin;
    await setImmediate();
    for (;;) {
      if (condition()) return true;
      const next = this.clock.nextAt();
      if (next === undefined || next > deadline) break;
      this.clock.step();
      await setImmediate();
    }
    this.clock.runUntil(deadline);
    return condition();
  }

  /** Runs until `condition` holds, at most `within` ms. */
  async runUntilTrue(condition: () => boolean, within: number): Promise<boolean> {
    return this.runUntil(condition, within, false);
  }

  private launch(id: PeerId, adapter: ElectionAdapter): SimulatedPeer {
    const electionAdapter: ElectionAdapter = {
      gossip: (message) => adapter.gossip(message),
      send: (to, message) => adapter.send?.(to, message),
      onMessage: (handler) => adapter.onMessage((message) => message.type !== appType && handler(message)),
      peers: () => adapter.peers(),
      onViewChange: (handler) => adapter.onViewChange?.(handler) ?? (() => {}),
    };
    const election = createElection({ id, adapter: electionAdapter, clock: this.clock, config: this.config });
    const core = new ElectionRoomCore(id, election, adapter, (from) => this.dropApp?.(from, id) ?? false);
    const work = createLeaderWork(core, { clock: this.clock, ...this.workOptions });
    const peer: SimulatedPeer = { id, election, core, work };
    this.peers.set(id, peer);
    return peer;
  }
}

/** A {@link RoomCore} over a real election and a simulated network adapter. */
class ElectionRoomCore implements RoomCore {
  private current: Leadership;
  private view: Set<PeerId>;
  private readonly listeners = new Set<(leadership: Leadership) => void>();

  constructor(
    readonly selfId: PeerId,
    election: Election,
    private readonly adapter: ElectionAdapter,
    private readonly dropFrom: (from: PeerId) => boolean,
  ) {
    const read = (): Leadership => ({
      isLeader: election.isLeader(),
      leaderId: election.leaderId(),
      term: election.term,
    });
    this.current = read();
    this.view = new Set(adapter.peers());
    election.subscribe(() => {
      const next = read();
      const previous = this.current;
      const same =
        next.isLeader === previous.isLeader &&
        next.leaderId === previous.leaderId &&
        next.term === previous.term;
      if (same) return;
      this.current = next;
      for (const listener of [...this.listeners]) listener(next);
    });
  }

  leadership(): Leadership {
    return this.current;
  }

  onLeadershipChange(listener: (leadership: Leadership) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  peers(): readonly PeerId[] {
    return this.adapter.peers();
  }

  onPeerLinked(listener: (peer: PeerId) => void): () => void {
    return (
      this.adapter.onViewChange?.(() => {
        const now = new Set(this.adapter.peers());
        for (const peer of now) if (!this.view.has(peer)) listener(peer);
        this.view = now;
      }) ?? (() => {})
    );
  }

  sendTo(peer: PeerId, payload: unknown): boolean {
    if (!this.adapter.peers().includes(peer)) return false;
    this.adapter.send?.(peer, this.wrap(payload));
    return true;
  }

  broadcast(payload: unknown): void {
    this.adapter.gossip(this.wrap(payload));
  }

  onAppMessage(listener: (from: PeerId, payload: unknown) => void): () => void {
    return this.adapter.onMessage((message) => {
      if (message.type !== appType || this.dropFrom(message.sender)) return;
      listener(message.sender, (message as AppMessage).payload);
    });
  }

  private wrap(payload: unknown): AppMessage {
    return { type: appType, sender: this.selfId, payload: JSON.parse(JSON.stringify(payload)) as unknown };
  }
}
