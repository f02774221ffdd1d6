import type { PeerId } from '@conclave/election';
import type { RoomCore } from './room-core';
import type { Counters } from './stats';
import { type Outgoing, type SharedWorkMessage, tag } from './wire';

/** The app channel as the shared-work parts use it: tags every message and counts what could not be sent. */
export class Channel {
  constructor(
    private readonly core: RoomCore,
    private readonly counters: Counters,
  ) {}

  /** Sends to one peer; false (and counted) when no link to it is open. */
  sendTo<M extends SharedWorkMessage>(peer: PeerId, message: Outgoing<M>): boolean {
    const sent = this.core.sendTo(peer, tag<M>(message));
    if (!sent) this.counters.count('unsent');
    return sent;
  }

  /** Sends to every linked peer. */
  broadcast<M extends SharedWorkMessage>(message: Outgoing<M>): void {
    this.core.broadcast(tag<M>(message));
  }
}
