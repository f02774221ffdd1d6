import type { PeerId } from '@conclave/election';
import type { RoomCore } from './room-core';
import type { Counters } from './stats';
import { type Outgoing, type SharedWorkMessage, tag } from './wire';

/**
 * The app channel as the shared-work parts use it: tags every message, and counts what could not be sent —
 * including what the transport refused by throwing (a transport may throw on payloads it cannot carry), so
 * that a refusal never breaks a state machine half-way.
 */
export class Channel {
  constructor(
    private readonly core: RoomCore,
    private readonly counters: Counters,
  ) {}

  /** Sends to one peer; false (and counted) when no link to it is open or the transport refused. */
  sendTo<M extends SharedWorkMessage>(peer: PeerId, message: Outgoing<M>): boolean {
    let sent: boolean;
    try {
      sent = this.core.sendTo(peer, tag<M>(message));
    } catch {
      sent = false;
    }
    if (!sent) this.counters.count('unsent');
    return sent;
  }

  /** Sends to every linked peer (counted as unsent when the transport refused). */
  broadcast<M extends SharedWorkMessage>(message: Outgoing<M>): void {
    try {
      this.core.broadcast(tag<M>(message));
    } catch {
      this.counters.count('unsent');
    }
  }
}
