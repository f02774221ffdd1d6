import type { PeerId } from '@conclave/election';
import type { Link, LinkCallbacks, LinkState } from './link';
import type { LocalMessage } from './local-message';

/** What a local link needs from its transport. */
export interface LocalLinkHost {
  readonly selfId: PeerId;
  /** Posts a control message (after any data queued before it). */
  post(message: LocalMessage): void;
  /** Queues data for `to`, posted at the end of this turn with the rest of the turn's data. */
  postData(to: PeerId, text: string): void;
  /** The link was destroyed or closed: the transport forgets it. */
  forget(link: LocalLink): void;
  /** Whether `peer` is still on the channel (not gone, nor ended as its Web Lock told). */
  reaches(peer: PeerId): boolean;
  /** The greeting `peer` sent ahead with its answer to this tab's announcement, once (see LocalTransport). */
  takeGreeting(peer: PeerId): string | undefined;
}

/** One local link: messages over the room's shared channel, addressed to one tab. */
export class LocalLink implements Link {
  readonly initiator = false;
  #state: LinkState = 'connecting';

  constructor(
    readonly peer: PeerId,
    private readonly callbacks: LinkCallbacks,
    private readonly host: LocalLinkHost,
  ) {}

  get state(): LinkState {
    return this.#state;
  }

  signal(): void {
    // Local links need no negotiation.
  }

  send(text: string): boolean {
    if (this.#state !== 'open') return false;
    this.host.postData(this.peer, text);
    return true;
  }

  bufferedAmount(): number {
    return 0;
  }

  destroy(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    // A tab that is gone hears nothing: no post (each wakes every tab) when the failover needs them most.
    if (this.host.reaches(this.peer))
      this.host.post({ v: 1, t: 'close', from: this.host.selfId, to: this.peer });
    this.host.forget(this);
  }

  /** Opens the link; the peer's greeting, if it sent one ahead, is then its first message. */
  markOpen(): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'open';
    this.callbacks.open();
    const greeting = this.host.takeGreeting(this.peer);
    if (greeting !== undefined && this.#state === 'open') this.callbacks.data(greeting);
  }

  deliver(text: string): void {
    this.callbacks.data(text);
  }

  remoteClosed(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.host.forget(this);
    this.callbacks.close('closed');
  }
}
