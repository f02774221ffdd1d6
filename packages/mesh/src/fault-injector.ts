import type { PeerId } from '@conclave/election';
import { Listeners, peerIdSchema } from '@conclave/protocol';
import type { FaultInjector } from './room-types';

/** Which faults apply to one peer, as a room's snapshot shows them. */
export type PeerFault = 'cut' | 'deaf';

/** Sends a string unencoded over the open link to a peer; false when it was not sent. */
export type RawSender = (peer: PeerId, text: string) => boolean;

/** Longest delay {@link FaultTable.delayFrom} accepts. */
export const maxFaultDelayMs = 60_000;

/**
 * Test-only fault rules of one tab (partitions, asymmetric loss, slow links), applied by the transports
 * `withFaults` wraps (see `faulty-transport.ts`); the mesh itself knows nothing of faults.
 *
 * - `cut(peer)`: nothing goes to or comes from `peer`, and `peer` leaves this tab's view (as if its link had
 *   closed; the link itself stays up, so `heal()` restores the view at once). Cut both sides of a split
 *   (every tab cuts the other side) for a clean partition.
 * - `deafTo(peer)`: what arrives from `peer` is dropped; this tab still sends to it and keeps it in its view
 *   (asymmetric loss).
 * - `delayFrom(peer, ms)`: what arrives from `peer` is delivered `ms` later, in order (a slow link).
 * - `heal()`: undo every fault.
 * - `rawSend(peer, text)`: send `text` as is over the open link to `peer` (a hostile tab's traffic).
 *
 * Faults are per tab and not persisted; a `cut` outranks a `deafTo` of the same peer.
 */
export class FaultTable implements FaultInjector {
  readonly #faults = new Map<PeerId, PeerFault>();
  readonly #delays = new Map<PeerId, number>();
  /** The open-or-opening link to each peer through a wrapped transport (what `rawSend` sends on). */
  readonly #senders = new Map<PeerId, RawSender>();
  #dropped = 0;
  /** Called after every change of the rules. */
  readonly onChange = new Listeners<[]>();

  /** @param maxEntries most peers faulted (or delayed) at once. */
  constructor(private readonly maxEntries: number) {}

  cut(peer: PeerId): void {
    this.#set(peer, 'cut');
  }

  deafTo(peer: PeerId): void {
    if (this.#faults.get(checked(peer)) === 'cut') return;
    this.#set(peer, 'deaf');
  }

  /** Delays what arrives from `peer` by `ms` (0 ends the delay). */
  delayFrom(peer: PeerId, ms: number): void {
    checked(peer);
    if (!Number.isInteger(ms) || ms < 0 || ms > maxFaultDelayMs) {
      throw new RangeError(`a delay is a whole number of ms from 0 to ${maxFaultDelayMs}`);
    }
    if (ms === 0) {
      if (this.#delays.delete(peer)) this.onChange.emit();
      return;
    }
    if (!this.#delays.has(peer) && this.#delays.size >= this.maxEntries) {
      throw new RangeError(`at most ${this.maxEntries} peers can be delayed at once`);
    }
    this.#delays.set(peer, ms);
    this.onChange.emit();
  }

  heal(): void {
    if (this.#faults.size === 0 && this.#delays.size === 0) return;
    this.#faults.clear();
    this.#delays.clear();
    this.onChange.emit();
  }

  rawSend(peer: PeerId, text: string): boolean {
    checked(peer);
    if (typeof text !== 'string') throw new TypeError('rawSend sends strings');
    if (this.dropsOutbound(peer)) return false;
    return this.#senders.get(peer)?.(peer, text) ?? false;
  }

  /** The fault on `peer`, if any. */
  faultOf(peer: PeerId): PeerFault | undefined {
    return this.#faults.get(peer);
  }

  /** How long what arrives from `peer` is held back (0: not delayed). */
  delayOf(peer: PeerId): number {
    return this.#delays.get(peer) ?? 0;
  }

  /** Whether a message to `peer` must be dropped. */
  dropsOutbound(peer: PeerId): boolean {
    return this.#faults.get(peer) === 'cut';
  }

  /** Whether a message from `peer` must be dropped. */
  dropsInbound(peer: PeerId): boolean {
    return this.#faults.has(peer);
  }

  /** Messages the rules dropped (both directions). */
  get dropped(): number {
    return this.#dropped;
  }

  /** @internal A wrapped link dropped a message. */
  countDrop(): void {
    this.#dropped++;
  }

  /** @internal The wrapped link to `peer` that `rawSend` uses from now on; returns its removal. */
  track(peer: PeerId, send: RawSender): () => void {
    this.#senders.set(peer, send);
    return () => {
      if (this.#senders.get(peer) === send) this.#senders.delete(peer);
    };
  }

  #set(peer: PeerId, fault: PeerFault): void {
    checked(peer);
    if (this.#faults.get(peer) === fault) return;
    if (!this.#faults.has(peer) && this.#faults.size >= this.maxEntries) {
      throw new RangeError(`at most ${this.maxEntries} peers can be faulted at once`);
    }
    this.#faults.set(peer, fault);
    this.onChange.emit();
  }
}

function checked(peer: unknown): PeerId {
  const parsed = peerIdSchema.safeParse(peer);
  if (!parsed.success) throw new TypeError(`not a peer id: ${String(peer).slice(0, 64)}`);
  return parsed.data;
}
