import type { PeerId } from '@conclave/election';
import { peerIdSchema } from '@conclave/protocol';
import type { FaultInjector } from './room-types';

/** Which faults apply to one peer, as the mesh consults them. */
export type PeerFault = 'cut' | 'deaf';

/** Sends a string unencoded over the data channel to a peer; false when it was not sent. */
export type RawSender = (peer: PeerId, text: string) => boolean;

/**
 * Test-only fault injection (issue 6's partitions): the mesh asks it before every send and delivery.
 *
 * - `cut(peer)`: nothing goes to or comes from `peer`, and `peer` leaves this tab's view (as if its link had
 *   closed; the link itself stays up, so `heal()` restores the view at once). Cut both sides of a split
 *   (every tab cuts the other side) for a clean partition.
 * - `deafTo(peer)`: what arrives from `peer` is dropped; this tab still sends to it and keeps it in its view
 *   (asymmetric loss).
 * - `heal()`: undo every fault.
 * - `rawSend(peer, text)`: send `text` as is to `peer` (a hostile tab's traffic); needs the `rawSender`.
 *
 * Faults are per tab and not persisted; a `cut` outranks a `deafTo` of the same peer.
 */
export class FaultTable implements FaultInjector {
  readonly #faults = new Map<PeerId, PeerFault>();

  /**
   * @param onChange called after every change (the mesh recomputes its view).
   * @param rawSender what {@link FaultTable.rawSend} sends with; without it, `rawSend` sends nothing.
   */
  constructor(
    private readonly onChange: () => void,
    private readonly maxEntries: number,
    private readonly rawSender?: RawSender,
  ) {}

  cut(peer: PeerId): void {
    this.#set(peer, 'cut');
  }

  deafTo(peer: PeerId): void {
    if (this.#faults.get(checked(peer)) === 'cut') return;
    this.#set(peer, 'deaf');
  }

  heal(): void {
    if (this.#faults.size === 0) return;
    this.#faults.clear();
    this.onChange();
  }

  rawSend(peer: PeerId, text: string): boolean {
    checked(peer);
    if (typeof text !== 'string') throw new TypeError('rawSend sends strings');
    return this.rawSender?.(peer, text) ?? false;
  }

  /** The fault on `peer`, if any. */
  faultOf(peer: PeerId): PeerFault | undefined {
    return this.#faults.get(peer);
  }

  /** Whether a message to `peer` must be dropped. */
  dropsOutbound(peer: PeerId): boolean {
    return this.#faults.get(peer) === 'cut';
  }

  /** Whether a message from `peer` must be dropped. */
  dropsInbound(peer: PeerId): boolean {
    return this.#faults.has(peer);
  }

  #set(peer: PeerId, fault: PeerFault): void {
    checked(peer);
    if (this.#faults.get(peer) === fault) return;
    if (!this.#faults.has(peer) && this.#faults.size >= this.maxEntries) {
      throw new RangeError(`at most ${this.maxEntries} peers can be faulted at once`);
    }
    this.#faults.set(peer, fault);
    this.onChange();
  }
}

function checked(peer: unknown): PeerId {
  const parsed = peerIdSchema.safeParse(peer);
  if (!parsed.success) throw new TypeError(`not a peer id: ${String(peer).slice(0, 64)}`);
  return parsed.data;
}
