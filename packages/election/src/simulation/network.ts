export type { NetworkOptions } from './link-model';
export type { JoinOptions, NetworkStats, NetworkTap } from './network-types';

import type { ElectionAdapter, ElectionMessage, PeerId } from '../types';
import { LinkModel, type NetworkOptions } from './link-model';
import type {
  Broadcast,
  Delivery,
  GroupCache,
  JoinOptions,
  NetworkStats,
  NetworkTap,
  SimNode,
} from './network-types';
import type { VirtualClock } from './virtual-clock';

/**
 * A simulated network of peers on a {@link VirtualClock}: per-link latency with jitter, loss, partitions
 * (groups that cannot reach each other), heals, crashes noticed at once, later or never, and message counts.
 *
 * A peer's view is every listed peer of its group. Views are cached per group version, so a delivery costs
 * O(1) bookkeeping plus one heap operation; view arrays keep their identity while unchanged.
 */
export class SimulatedNetwork {
  private readonly nodes = new Map<PeerId, SimNode>();
  private readonly groups = new Map<number, Set<SimNode>>();
  private readonly groupCaches = new Map<number, GroupCache>();
  private readonly links: LinkModel;
  /** The current partition: group of each named peer (others are in group 0). */
  private readonly assignment = new Map<PeerId, number>();
  /** One-way cuts, "from→to": messages in that direction are lost, views are unchanged. */
  private readonly oneWayCuts = new Set<string>();
  private tap: NetworkTap | undefined;
  private nextIndex = 0;
  private explicitGroups = false;
  private readonly deliverFn = (delivery: Delivery) =>
    this.deliver(delivery.from, delivery.to, delivery.message);
  private readonly broadcastFn = (broadcast: Broadcast) => this.deliverBroadcast(broadcast);
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, cut: 0, toDown: 0, byType: {} };

  constructor(
    readonly clock: VirtualClock,
    options: NetworkOptions = {},
  ) {
    this.links = new LinkModel(options);
  }

  /** Adds a live, listed peer (to its partition's group, or `group`) and returns its adapter. */
  join(id: PeerId, options: JoinOptions & { group?: number } = {}): ElectionAdapter {
    const [adapter] = this.joinAll([id], options);
    return adapter as ElectionAdapter;
  }

  /** Adds several peers at once: one view change for all of them (O(N), where joining one by one is O(N²)). */
  joinAll(ids: readonly PeerId[], options: JoinOptions & { group?: number } = {}): ElectionAdapter[] {
    if (options.group !== undefined && options.group !== 0) this.explicitGroups = true;
    const nodes = ids.map((id) => this.add(id, options));
    this.changed([...new Set(nodes.map((node) => node.group))]);
    return nodes.map((node) => this.adapterFor(node, options));
  }

  /**
   * A graceful departure: the peer sends nothing more, and leaves the other views once what it sent last has
   * arrived (the close of an ordered data channel travels behind its messages): after the longest latency.
   */
  leave(id: PeerId): void {
    const node = this.node(id);
    node.alive = false;
    this.clock.setTimeout(() => this.unlist(node), this.links.longestDelay);
  }

  /**
   * The peer dies: it sends and receives nothing more. Others notice (it leaves their views) after
   * `detectAfter` ms (default 0), or never ('never': only the election's liveness timer can tell).
   */
  crash(id: PeerId, options: { detectAfter?: number | 'never' } = {}): void {
    const node = this.node(id);
    node.alive = false;
    const detectAfter = options.detectAfter ?? 0;
    if (detectAfter === 'never') return;
    if (detectAfter <= 0) this.unlist(node);
    else this.clock.setTimeout(() => this.unlist(node), detectAfter);
  }

  /**
   * Splits the network: each listed array becomes a group that hears only itself; peers not named form one
   * more group together. Messages in flight between groups are dropped on arrival. Peers named here that
   * join later join their group.
   */
  partition(groups: readonly (readonly PeerId[])[]): void {
    const assignment = this.assignment;
    assignment.clear();
    groups.forEach((members, index) => {
      for (const id of members) assignment.set(id, index + 1);
    });
    const affected = new Set<number>();
    for (const node of this.nodes.values()) {
      const group = assignment.get(node.id) ?? 0;
      if (group === node.group) continue;
      affected.add(node.group).add(group);
      if (node.listed) {
        this.groupOf(node.group).delete(node);
        this.groupOf(group).add(node);
      }
      node.group = group;
    }
    this.changed([...affected]);
  }

  /** Ends every partition and every one-way cut: one group again. */
  heal(): void {
    this.oneWayCuts.clear();
    this.partition([]);
  }

  /**
   * An asymmetric failure: from now on every message `from` sends to `to` is lost (in flight ones too), while
   * the link stays up, so both keep each other in their views and `to` still reaches `from`. Lasts until
   * {@link heal} or {@link restoreOneWay}.
   */
  cutOneWay(from: PeerId, to: PeerId): void {
    this.node(from);
    this.node(to);
    this.oneWayCuts.add(`${from}\u0000${to}`);
  }

  restoreOneWay(from: PeerId, to: PeerId): void {
    this.oneWayCuts.delete(`${from}\u0000${to}`);
  }

  /** See {@link NetworkTap}; one tap at a time, undefined removes it. */
  setTap(tap: NetworkTap | undefined): void {
    this.tap = tap;
  }

  /** Is the peer in the others' views (alive, or gone without the mesh noticing yet)? */
  isListed(id: PeerId): boolean {
    return this.nodes.get(id)?.listed ?? false;
  }

  setLoss(probability: number): void {
    this.links.setLoss(probability);
  }

  setJitter(ms: number): void {
    this.links.setJitter(ms);
  }

  /** Overrides the base latency of one link (both directions). */
  setLinkLatency(a: PeerId, b: PeerId, ms: number): void {
    this.links.setLatency(this.node(a).index, this.node(b).index, ms);
  }

  /** The peers `id` currently sees (not including itself). */
  view(id: PeerId): readonly PeerId[] {
    return this.viewOf(this.node(id)).viewIds;
  }

  isAlive(id: PeerId): boolean {
    return this.nodes.get(id)?.alive ?? false;
  }

  /** Groups of live peers that can reach each other (the connected components). */
  components(): PeerId[][] {
    const byGroup = new Map<number, PeerId[]>();
    for (const node of this.nodes.values()) {
      if (!node.alive) continue;
      const members = byGroup.get(node.group);
      if (members) members.push(node.id);
      else byGroup.set(node.group, [node.id]);
    }
    return [...byGroup.values()];
  }

  /** Is the network split into groups (a partition in force, or peers joined to explicit groups)? */
  isPartitioned(): boolean {
    return this.assignment.size > 0 || this.explicitGroups;
  }

  /** Messages a peer has sent (transmissions). */
  sentBy(id: PeerId): number {
    return this.nodes.get(id)?.sent ?? 0;
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private add(id: PeerId, options: { group?: number }): SimNode {
    const existing = this.nodes.get(id);
    if (existing && (existing.alive || existing.listed))
      throw new Error(`peer ${id} is already in the network`);
    const node: SimNode = {
      id,
      index: existing?.index ?? this.nextIndex++,
      group: options.group ?? this.assignment.get(id) ?? 0,
      alive: true,
      listed: true,
      messageHandlers: new Set(),
      viewHandlers: new Set(),
      viewGroup: -1,
      viewVersion: -1,
      viewIds: [],
      viewNodes: [],
      sent: 0,
    };
    this.nodes.set(id, node);
    this.groupOf(node.group).add(node);
    return node;
  }

  private adapterFor(node: SimNode, options: JoinOptions): ElectionAdapter {
    const adapter: ElectionAdapter = {
      gossip: (message) => this.gossip(node, message),
      onMessage: (handler) => {
        node.messageHandlers.add(handler);
        return () => node.messageHandlers.delete(handler);
      },
      peers: () => this.viewOf(node).viewIds,
      hasPeer: (peer) => {
        const other = this.nodes.get(peer);
        return other !== undefined && other !== node && other.listed && other.group === node.group;
      },
    };
    if (options.send !== false) adapter.send = (to, message) => this.unicast(node, to, message);
    if (options.viewChanges !== false) {
      adapter.onViewChange = (handler) => {
        node.viewHandlers.add(handler);
        return () => node.viewHandlers.delete(handler);
      };
    }
    return adapter;
  }

  private gossip(from: SimNode, message: ElectionMessage): void {
    if (!from.alive) return;
    const stamped = Object.freeze({ ...message, sender: from.id });
    this.tap?.sent?.(from.id, stamped);
    const targets = this.viewOf(from).viewNodes;
    if (targets.length <= 1) {
      for (const to of targets) this.transmit(from, to, stamped);
      return;
    }
    // One clock entry per gossip rather than one per recipient: the heap stays as small as the number of
    // gossips in flight, and a delivery allocates nothing.
    const arrivals: Array<{ to: SimNode; at: number }> = [];
    for (const to of targets) {
      const at = this.arrival(from, to, stamped);
      if (at !== undefined) arrivals.push({ to, at });
    }
    if (arrivals.length === 0) return;
    arrivals.sort((a, b) => a.at - b.at);
    const broadcast: Broadcast = {
      from,
      message: stamped,
      to: arrivals.map((a) => a.to),
      at: arrivals.map((a) => a.at),
      next: 0,
    };
    this.clock.scheduleSeries(broadcast.at[0] as number, this.broadcastFn, broadcast);
  }

  /** Delivers every recipient due now; returns when the next one is due. */
  private deliverBroadcast(broadcast: Broadcast): number | undefined {
    const now = this.clock.now();
    const { to, at } = broadcast;
    let i = broadcast.next;
    while (i < to.length && (at[i] as number) <= now) {
      this.deliver(broadcast.from, to[i] as SimNode, broadcast.message);
      i++;
    }
    broadcast.next = i;
    return i < to.length ? at[i] : undefined;
  }

  private unicast(from: SimNode, to: PeerId, message: ElectionMessage): void {
    if (!from.alive) return;
    const target = this.nodes.get(to);
    if (!target?.listed || target.group !== from.group || target === from) return;
    const stamped = Object.freeze({ ...message, sender: from.id });
    this.tap?.sent?.(from.id, stamped);
    this.transmit(from, target, stamped);
  }

  private transmit(from: SimNode, to: SimNode, message: ElectionMessage): void {
    const at = this.arrival(from, to, message);
    if (at !== undefined) this.clock.schedule(at, this.deliverFn, { from, to, message });
  }

  /** Counts one transmission; returns when it arrives, or undefined if it is lost. */
  private arrival(from: SimNode, to: SimNode, message: ElectionMessage): number | undefined {
    const stats = this.stats;
    stats.sent++;
    stats.byType[message.type] = (stats.byType[message.type] ?? 0) + 1;
    from.sent++;
    const delay = this.links.delay(from.index, to.index);
    if (delay === undefined) {
      stats.lost++;
      return undefined;
    }
    return this.clock.now() + delay;
  }

  private deliver(from: SimNode, to: SimNode, message: ElectionMessage): void {
    if (!to.alive) {
      this.stats.toDown++;
      return;
    }
    if (
      to.group !== from.group ||
      (this.oneWayCuts.size > 0 && this.oneWayCuts.has(`${from.id}\u0000${to.id}`))
    ) {
      this.stats.cut++;
      return;
    }
    this.stats.delivered++;
    this.tap?.delivered?.(from.id, to.id, message);
    const handlers = to.messageHandlers;
    if (handlers.size === 1) {
      for (const handler of handlers) handler(message);
    } else {
      for (const handler of [...handlers]) handler(message);
    }
  }

  private unlist(node: SimNode): void {
    if (!node.listed) return;
    node.listed = false;
    this.groupOf(node.group).delete(node);
    this.changed([node.group]);
  }

  private node(id: PeerId): SimNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`unknown peer ${id}`);
    return node;
  }

  private groupOf(group: number): Set<SimNode> {
    let members = this.groups.get(group);
    if (!members) {
      members = new Set();
      this.groups.set(group, members);
    }
    return members;
  }

  private cacheOf(group: number): GroupCache {
    let cache = this.groupCaches.get(group);
    if (!cache) {
      cache = { version: 0, nodes: undefined };
      this.groupCaches.set(group, cache);
    }
    return cache;
  }

  private viewOf(node: SimNode): SimNode {
    const cache = this.cacheOf(node.group);
    if (node.viewGroup === node.group && node.viewVersion === cache.version) return node;
    if (cache.nodes === undefined) cache.nodes = [...this.groupOf(node.group)];
    const viewNodes = cache.nodes.filter((other) => other !== node);
    node.viewNodes = viewNodes;
    node.viewIds = viewNodes.map((other) => other.id);
    node.viewGroup = node.group;
    node.viewVersion = cache.version;
    return node;
  }

  /** Bumps the versions of the given groups, then tells every live member whose view changed. */
  private changed(groups: readonly number[]): void {
    for (const group of groups) {
      const cache = this.cacheOf(group);
      cache.version++;
      cache.nodes = undefined;
    }
    const toNotify: SimNode[] = [];
    const affected = new Set<SimNode>();
    for (const group of groups) for (const node of this.groupOf(group)) affected.add(node);
    for (const node of affected) {
      if (!node.alive || node.viewHandlers.size === 0) continue;
      const before = node.viewIds;
      const after = this.viewOf(node).viewIds;
      if (before !== after && !sameMembers(before, after)) toNotify.push(node);
    }
    for (const node of toNotify) for (const handler of [...node.viewHandlers]) handler();
  }
}

function sameMembers(a: readonly PeerId[], b: readonly PeerId[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
