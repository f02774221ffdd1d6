import type { Clock, PeerId } from '@conclave/election';
import { TokenBucket } from '@conclave/protocol';
import type { Channel } from './channel';
import { sharedWorkLimits as limits } from './limits';
import type { Leadership, RoomCore } from './room-core';
import type { OfferOutcome, SharedStore } from './shared-store';
import type { Counters } from './stats';
import type { StateMessage, SyncEndMessage, SyncRequestMessage } from './wire';

interface Takeover {
  readonly term: number;
  readonly nonce: string;
  /** Peers asked and not done answering. */
  readonly waiting: Set<PeerId>;
  /** Peers asked (their late `state` messages still count until the takeover finishes). */
  readonly asked: ReadonlySet<PeerId>;
  readonly deadline: unknown;
  /** Re-checks who is still linked: a peer that left will not answer. */
  recheck: unknown;
  readonly onDone: () => void;
}

/** How often a takeover looks for asked peers that left (they will never answer). */
const departedCheckMs = 50;

/** What {@link SharedSync} needs. */
export interface SharedSyncDeps {
  readonly core: RoomCore;
  readonly clock: Clock;
  readonly store: SharedStore;
  readonly channel: Channel;
  readonly counters: Counters;
  /** Longest wait for peers' values when this tab takes over; 0 skips the catch-up. */
  readonly takeoverSyncMs: number;
}

/**
 * Keeps every tab's shared values in step with the leader's:
 *
 * - followers accept a value only from the peer they consider leader (or, while they know none, from the
 *   last one they knew: its last values may still be on their way when it leaves), and only if its
 *   (term, version) is newer than the one they hold;
 * - a follower that finds a (new) leader asks it for everything (`sync-request`), and the leader sends
 *   everything to a peer whose link just opened: late joiners see the latest values at once;
 * - a tab that becomes leader first asks every peer what it holds and keeps the newest of each value
 *   (from terms up to its own), so it continues from the last value any tab saw — then (once every peer
 *   answered or left, or after `takeoverSyncMs`) its tasks start and it rebroadcasts what it holds.
 */
export class SharedSync {
  private takeover: Takeover | undefined;
  private readonly buckets = new Map<PeerId, TokenBucket>();
  private nonces = 0;
  /** The nonce of this follower's last request to its leader (its answer ends with a `sync-end`). */
  private pullNonce: string | undefined;
  /** The last leader this tab followed or was: still trusted while no leader is known. */
  private lastLeader: PeerId | undefined;

  constructor(private readonly deps: SharedSyncDeps) {}

  /** Tells who leads now (after every change). */
  onLeadership(leadership: Leadership): void {
    if (leadership.leaderId !== undefined) this.lastLeader = leadership.leaderId;
    const takeover = this.takeover;
    if (takeover !== undefined) this.forgetDeparted(takeover);
  }

  /** Routes a received `state` message (`from` is the transport's sender). */
  onState(from: PeerId, message: StateMessage): void {
    const { core, store, counters } = this.deps;
    const leadership = core.leadership();
    const takeover = this.takeover;
    let outcome: OfferOutcome | 'refused';
    if (leadership.isLeader) {
      const isCatchUpAnswer =
        takeover !== undefined &&
        message.sync === takeover.nonce &&
        takeover.asked.has(from) &&
        message.term <= takeover.term;
      outcome = isCatchUpAnswer ? store.offer(message.name, message) : 'refused';
    } else {
      // While no leader is known (the leader just left, its successor not yet declared), what the last
      // leader sent before it left is still the newest history there is.
      const trusted = leadership.leaderId ?? this.lastLeader;
      outcome = from === trusted ? store.offer(message.name, message) : 'refused';
    }
    if (outcome === 'invalid') counters.count('invalid');
    else if (outcome !== 'accepted') counters.count('ignored');
  }

  /** A peer asked for every value held: answer it (at most {@link sharedWorkLimits.syncBurst} at once). */
  onSyncRequest(from: PeerId, message: SyncRequestMessage): void {
    if (!this.bucketOf(from).take()) {
      this.deps.counters.count('rateLimited');
      return;
    }
    const entries = this.deps.store.entries();
    for (const [name, entry] of entries) {
      this.deps.channel.sendTo<StateMessage>(from, { kind: 'state', name, ...entry, sync: message.nonce });
    }
    this.deps.channel.sendTo<SyncEndMessage>(from, {
      kind: 'sync-end',
      nonce: message.nonce,
      count: entries.length,
    });
  }

  /** A peer finished answering this tab's catch-up request. */
  onSyncEnd(from: PeerId, message: SyncEndMessage): void {
    const takeover = this.takeover;
    if (message.nonce === this.pullNonce) return; // the leader finished answering this follower
    if (takeover === undefined || message.nonce !== takeover.nonce || !takeover.waiting.delete(from)) {
      this.deps.counters.count('ignored');
      return;
    }
    if (takeover.waiting.size === 0) this.finishTakeover();
  }

  /** Sends every held value to a peer whose link just opened (when leading). */
  pushTo(peer: PeerId): void {
    for (const [name, entry] of this.deps.store.entries()) {
      this.deps.channel.sendTo<StateMessage>(peer, { kind: 'state', name, ...entry });
    }
  }

  /** Asks the leader this follower just found for every value it holds. */
  pull(leaderId: PeerId): void {
    this.pullNonce = this.nextNonce();
    this.deps.channel.sendTo<SyncRequestMessage>(leaderId, { kind: 'sync-request', nonce: this.pullNonce });
  }

  /**
   * This tab became leader of `term`: collect peers' values, then call `onDone` (synchronously when there
   * is nobody to ask). A takeover in progress is cancelled first.
   */
  beginTakeover(term: number, onDone: () => void): void {
    this.cancelTakeover();
    const { core, channel, clock, takeoverSyncMs } = this.deps;
    const nonce = this.nextNonce();
    const asked = new Set<PeerId>();
    if (takeoverSyncMs > 0) {
      for (const peer of core.peers()) {
        if (channel.sendTo<SyncRequestMessage>(peer, { kind: 'sync-request', nonce })) asked.add(peer);
      }
    }
    if (asked.size === 0) {
      this.rebroadcast();
      onDone();
      return;
    }
    const deadline = clock.setTimeout(() => this.finishTakeover(), takeoverSyncMs);
    const takeover: Takeover = {
      term,
      nonce,
      waiting: new Set(asked),
      asked,
      deadline,
      recheck: undefined,
      onDone,
    };
    this.takeover = takeover;
    const recheck = () => {
      if (this.takeover !== takeover) return;
      this.forgetDeparted(takeover);
      if (this.takeover === takeover) takeover.recheck = clock.setTimeout(recheck, departedCheckMs);
    };
    takeover.recheck = clock.setTimeout(recheck, departedCheckMs);
  }

  /** Leadership ended before the catch-up finished: forget it (its `onDone` is never called). */
  cancelTakeover(): void {
    const takeover = this.takeover;
    if (takeover === undefined) return;
    this.deps.clock.clearTimeout(takeover.deadline);
    if (takeover.recheck !== undefined) this.deps.clock.clearTimeout(takeover.recheck);
    this.takeover = undefined;
  }

  /** Stops waiting for asked peers that are no longer linked; finishes when nobody is left to wait for. */
  private forgetDeparted(takeover: Takeover): void {
    const linked = new Set(this.deps.core.peers());
    for (const peer of takeover.waiting) if (!linked.has(peer)) takeover.waiting.delete(peer);
    if (takeover.waiting.size === 0) this.finishTakeover();
  }

  private finishTakeover(): void {
    const takeover = this.takeover;
    if (takeover === undefined) return;
    this.cancelTakeover();
    this.rebroadcast();
    takeover.onDone();
  }

  /** Followers that missed a value (or hold an older one) catch up from the new leader. */
  private rebroadcast(): void {
    for (const [name, entry] of this.deps.store.entries()) {
      this.deps.channel.broadcast<StateMessage>({ kind: 'state', name, ...entry });
    }
  }

  private bucketOf(peer: PeerId): TokenBucket {
    let bucket = this.buckets.get(peer);
    if (bucket === undefined) {
      if (this.buckets.size >= 64) {
        for (const [id, old] of this.buckets) if (old.isFull()) this.buckets.delete(id);
        const oldest = this.buckets.keys().next();
        if (this.buckets.size >= 64 && !oldest.done) this.buckets.delete(oldest.value);
      }
      bucket = new TokenBucket(this.deps.clock, limits.syncBurst, limits.syncRefillPerSecond);
      this.buckets.set(peer, bucket);
    }
    return bucket;
  }

  private nextNonce(): string {
    this.nonces += 1;
    return `s${this.nonces.toString(36)}`;
  }
}
