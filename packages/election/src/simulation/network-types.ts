import type { ElectionMessage, PeerId } from '../types';

/** The simulated network's public options and counters, and the records it keeps per peer and message. */

/** What a peer's adapter offers; the optional parts can be left out to test adapters without them. */
export interface JoinOptions {
  /** Offer `send` (unicast). Default true. */
  send?: boolean;
  /** Offer `onViewChange`. Default true. */
  viewChanges?: boolean;
}

/** Message counts since the network was created. */
export interface NetworkStats {
  /** Transmissions: one per recipient of a gossip, one per unicast (what data channels would carry). */
  sent: number;
  delivered: number;
  /** Lost to the loss probability. */
  lost: number;
  /** In flight when a partition separated sender and recipient. */
  cut: number;
  /** Arrived at a crashed or departed peer. */
  toDown: number;
  byType: Record<string, number>;
}

/**
 * Sees every message the network carries: `sent` once per gossip or unicast (the same frozen message object
 * that is then delivered), `delivered` once per recipient that processes it. For tests that track what each
 * peer could know (causality), not for changing what happens.
 */
export interface NetworkTap {
  sent?(from: PeerId, message: ElectionMessage): void;
  delivered?(from: PeerId, to: PeerId, message: ElectionMessage): void;
}

export interface SimNode {
  readonly id: PeerId;
  readonly index: number;
  group: number;
  /** Processes and sends messages. */
  alive: boolean;
  /** Appears in the other peers' views (a crash may stay unnoticed for a while, or for ever). */
  listed: boolean;
  readonly messageHandlers: Set<(message: ElectionMessage) => void>;
  readonly viewHandlers: Set<() => void>;
  viewGroup: number;
  viewVersion: number;
  viewIds: readonly PeerId[];
  viewNodes: readonly SimNode[];
  sent: number;
}

export interface Delivery {
  readonly from: SimNode;
  readonly to: SimNode;
  readonly message: ElectionMessage;
}

/** One gossip in flight: its recipients sorted by arrival time, delivered by one clock series. */
export interface Broadcast {
  readonly from: SimNode;
  readonly message: ElectionMessage;
  readonly to: SimNode[];
  readonly at: number[];
  next: number;
}

export interface GroupCache {
  version: number;
  nodes: SimNode[] | undefined;
}
