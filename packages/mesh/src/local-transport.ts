import type { Clock, PeerId } from '@conclave/election';
import { Listeners, TokenBucket } from '@conclave/protocol';
import { meshLimits } from './limits';
import type { Link, LinkCallbacks } from './link';
import { LocalLink } from './local-link';
import { addressedElsewhere, addressedTo, type LocalMessage, localMessageSchema } from './local-message';
import { LocalOutbox } from './local-outbox';
import type { Transport } from './transport';

/** The part of a `BroadcastChannel` the local transport uses (tests pass an in-memory one). */
export interface LocalChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  close(): void;
}

/** The part of `navigator.locks` (Web Locks) the local transport uses. */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; signal?: AbortSignal },
    callback: () => Promise<unknown> | unknown,
  ): Promise<unknown>;
}

/** How this tab learns that a local peer's tab is gone. */
export type LocalCrashNotice = 'web-locks' | 'heartbeats';

/** What the local transport received and dropped (see {@link Room.stats}). */
export interface LocalTransportStats {
  /** `web-locks`: a peer's tab ending is known at once; `heartbeats`: only signaling and probes tell. */
  readonly crashNotice: LocalCrashNotice;
  /** Tabs announced on the channel that this tab reaches. */
  readonly reachable: number;
  /** Channel messages addressed to this tab (or to all), before validation. */
  readonly received: number;
  readonly dropped: {
    /** Not a valid channel message. */
    readonly invalid: number;
    /** Claiming this tab's own id. */
    readonly spoofed: number;
    /** Data or handshake from a tab this tab has no local link with (e.g. one signaling does not list). */
    readonly unlinked: number;
    /** Announcements beyond `meshLimits.maxPeers` tabs. */
    readonly refused: number;
    /** Control messages beyond the channel's rate limit. */
    readonly rateLimited: number;
  };
}

export interface LocalTransportOptions {
  readonly selfId: PeerId;
  /** Names the channel and the locks: derived from server, room and secret (see `localChannelName`). */
  readonly name: string;
  readonly channel: LocalChannel;
  /** Web Locks, when the browser has them (secure origins); without, crash notice falls back to heartbeats. */
  readonly locks: LockManagerLike | undefined;
  readonly clock: Clock;
}

/** Control messages (announce, handshake) a tab accepts from the channel: a burst, then a rate per second. */
const controlBurst = 256;
const controlPerSecond = 64;

/**
 * The `local` transport: links to tabs of the same origin and browser profile over one `BroadcastChannel`
 * per room, without RTCPeerConnections. The mesh links a peer through it only when signaling lists the peer
 * in the room, and feeds every `data` message through the same inbound pipeline as the wire. The channel is
 * trusted as far as the origin is (see SECURITY.md): a claimed sender id cannot be checked here beyond its
 * form and signaling's list.
 *
 * With Web Locks each tab holds a lock named for the room and its id for its lifetime, and says `locked` once
 * it holds it; every tab that knows it then queues on that lock, so the grant means the tab ended (crash,
 * close, kill) and the peer is dropped at once. A tab announces itself (`here`) and links at once, without
 * waiting for its lock: under load Chromium took 1.3-6 s to grant a page its first lock (8 tabs loading at
 * once), while links over the channel open in milliseconds. Until a peer says `locked`, signaling and the
 * mesh's probe are what tell of its end.
 */
export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  readonly onReachable = new Listeners<[peer: PeerId, asked: boolean]>();
  readonly onGone = new Listeners<[peer: PeerId]>();
  readonly #options: LocalTransportOptions;
  /** Announced tabs; the controller (once the tab said `locked`) aborts this tab's wait on the tab's lock. */
  readonly #reachable = new Map<PeerId, AbortController | undefined>();
  readonly #links = new Map<PeerId, LocalLink>();
  /** Tabs that asked for a link before this tab wanted one (answered when it does). */
  readonly #synFrom = new Set<PeerId>();
  readonly #control: TokenBucket;
  readonly #stats = {
    received: 0,
    dropped: { invalid: 0, spoofed: 0, unlinked: 0, refused: 0, rateLimited: 0 },
  };
  #releaseOwnLock: (() => void) | undefined;
  /** This tab holds its own lock (and said so). */
  #locked = false;
  #closed = false;
  readonly #outbox: LocalOutbox;
  /** What this tab says ahead to a tab it answers (see {@link LocalTransport.greetWith}). */
  #greeting: (() => string | undefined) | undefined;
  /** Greetings received with answers, until the link to their sender opens (one per reachable tab). */
  readonly #greetings = new Map<PeerId, string>();

  constructor(options: LocalTransportOptions) {
    this.#options = options;
    this.#control = new TokenBucket(options.clock, controlBurst, controlPerSecond);
    this.#outbox = new LocalOutbox(options.selfId, (message) => this.#send(message));
    options.channel.onmessage = (event) => this.#receive(event.data);
    this.#post({ v: 1, t: 'here', from: options.selfId });
    // Said only once the lock is held, so a peer queueing on it is granted it only when this tab ended.
    options.locks
      ?.request(this.#lockName(options.selfId), {}, () => {
        if (this.#closed) return undefined;
        this.#locked = true;
        this.#post({ v: 1, t: 'locked', from: options.selfId });
        return new Promise<void>((release) => {
          this.#releaseOwnLock = release;
        });
      })
      .catch(() => {});
  }

  get selfId(): PeerId {
    return this.#options.selfId;
  }

  get crashNotice(): LocalCrashNotice {
    return this.#options.locks ? 'web-locks' : 'heartbeats';
  }

  get noticesEnd(): boolean {
    return this.crashNotice === 'web-locks';
  }

  /** Both ways: this tab holds its lock (and said so), and `peer` said it holds its own, which this tab watches. */
  watches(peer: PeerId): boolean {
    return this.#locked && !this.#closed && this.#reachable.get(peer) !== undefined;
  }

  /**
   * What this tab sends ahead, with its answer to a tab's announcement, of what it would send once their link
   * opens: the room passes the election's declaration while this tab leads. The newcomer delivers it as the
   * link's first message, through the same inbound pipeline as any other, the moment its side opens: it then
   * follows the leader without waiting for the leader's side to open and answer (a turn of a loaded tab).
   * A greeting that went stale meanwhile is harmless: the term of any later leadership is higher, and that
   * leader answers the newcomer as it links.
   */
  greetWith(greeting: (() => string | undefined) | undefined): void {
    this.#greeting = greeting;
  }

  /** @internal */
  takeGreeting(peer: PeerId): string | undefined {
    const greeting = this.#greetings.get(peer);
    this.#greetings.delete(peer);
    return greeting;
  }

  reaches(peer: PeerId): boolean {
    return !this.#closed && this.#reachable.has(peer);
  }

  readonly createLink = (peer: PeerId, _initiator: boolean, callbacks: LinkCallbacks): Link => {
    this.#links.get(peer)?.destroy();
    const link = new LocalLink(peer, callbacks, this);
    this.#links.set(peer, link);
    if (this.#synFrom.delete(peer)) {
      this.post({ v: 1, t: 'ack', from: this.#options.selfId, to: peer });
      // Once the mesh holds the link (it stores it when this returns). A microtask, not a timer: the clock's
      // timers run in a Worker, whose answer waits behind every task queued on a busy page.
      queueMicrotask(() => link.markOpen());
    } else {
      this.post({ v: 1, t: 'syn', from: this.#options.selfId, to: peer });
    }
    return link;
  };

  stats(): LocalTransportStats {
    return Object.freeze({
      crashNotice: this.crashNotice,
      reachable: this.#reachable.size,
      received: this.#stats.received,
      dropped: Object.freeze({ ...this.#stats.dropped }),
    });
  }

  close(): void {
    if (this.#closed) return;
    for (const link of [...this.#links.values()]) link.destroy();
    this.#post({ v: 1, t: 'gone', from: this.#options.selfId });
    this.#closed = true;
    this.#outbox.clear();
    for (const waiting of this.#reachable.values()) waiting?.abort();
    this.#reachable.clear();
    this.#synFrom.clear();
    this.#greetings.clear();
    this.#greeting = undefined;
    this.#releaseOwnLock?.();
    this.#options.channel.onmessage = null;
    this.#options.channel.close();
    this.onReachable.clear();
    this.onGone.clear();
  }

  /** @internal A link's outgoing message. */
  post(message: LocalMessage): void {
    this.#post(message);
  }

  /** @internal A link's outgoing data: posted at the end of this turn, with the turn's other data. */
  postData(to: PeerId, text: string): void {
    this.#outbox.add(to, text);
  }

  /** @internal A link was destroyed. */
  forget(link: LocalLink): void {
    if (this.#links.get(link.peer) === link) this.#links.delete(link.peer);
  }

  /** Posts a control message, after any data sent before it (so a link's close follows its last data). */
  #post(message: LocalMessage): void {
    this.#outbox.flush();
    this.#send(message);
  }

  #send(message: LocalMessage): void {
    if (this.#closed) return;
    try {
      this.#options.channel.postMessage(message);
    } catch {
      // A closed channel (the page is going away): nothing to deliver to.
    }
  }

  #receive(data: unknown): void {
    const self = this.#options.selfId;
    // Most traffic is addressed to other tabs: skip it before any validation work.
    if (this.#closed || addressedElsewhere(data, self)) return;
    this.#stats.received++;
    const dropped = this.#stats.dropped;
    const parsed = localMessageSchema.safeParse(data);
    if (!parsed.success) {
      dropped.invalid++;
      return;
    }
    const message = parsed.data;
    if (message.from === self) {
      dropped.spoofed++;
      return;
    }
    if (message.t === 'data' || message.t === 'batch') {
      const items = message.t === 'data' ? [message] : message.items;
      const link = this.#links.get(message.from);
      for (const item of items) {
        if (!addressedTo(item.to, self)) continue;
        if (link?.state === 'open') link.deliver(item.d);
        else dropped.unlinked++;
      }
      return;
    }
    if (!this.#control.take()) {
      dropped.rateLimited++;
      return;
    }
    switch (message.t) {
      case 'here': {
        const { d, from, to } = message;
        // Kept before the answer is handled: that may open the link at once, which takes the greeting.
        if (d !== undefined && to !== undefined && !this.#links.has(from)) this.#greetings.set(from, d);
        this.#announced(from, to !== undefined, message.locked === true);
        if (!this.#reachable.has(from)) this.#greetings.delete(from); // refused
        return;
      }
      case 'locked':
        this.#watch(message.from);
        return;
      case 'gone':
        this.#forgetPeer(message.from);
        return;
      case 'syn':
        this.#syn(message.from);
        return;
      case 'ack': {
        const link = this.#links.get(message.from);
        if (link) link.markOpen();
        else dropped.unlinked++;
        return;
      }
      case 'close': {
        this.#synFrom.delete(message.from);
        this.#links.get(message.from)?.remoteClosed();
        return;
      }
    }
  }

  /**
   * A tab announced itself (or answered this tab's announcement): a new tab is answered once, addressed to it,
   * so it learns this tab and whether to watch its lock; an answer is never answered. Every pair of tabs meets
   * this way: the later of two announcements reaches the other tab, whose answer reaches the later one.
   */
  #announced(peer: PeerId, answer: boolean, locked: boolean): void {
    if (!this.#reachable.has(peer)) {
      if (this.#reachable.size >= meshLimits.maxPeers) {
        this.#stats.dropped.refused++;
        return;
      }
      this.#reachable.set(peer, undefined);
      if (!answer) {
        const greeting = this.#greeting?.();
        this.#post({
          v: 1,
          t: 'here',
          from: this.#options.selfId,
          to: peer,
          ...(this.#locked ? { locked: true } : {}),
          ...(greeting === undefined ? {} : { d: greeting }),
        });
      }
      this.onReachable.emit(peer, false);
    }
    if (locked) this.#watch(peer);
  }

  /**
   * A known tab holds its lock now: queue on it, so the grant tells this tab that one ended. Not before: a
   * tab that watched it earlier would be granted it at once and take the tab for gone.
   */
  #watch(peer: PeerId): void {
    const locks = this.#options.locks;
    if (!locks || !this.#reachable.has(peer) || this.#reachable.get(peer) !== undefined) return;
    const waiting = new AbortController();
    this.#reachable.set(peer, waiting);
    // Shared: when the tab ends, every watching tab is granted at once, none waits for another's turn (a busy
    // tab would hold up the others' notice with an exclusive one).
    locks
      .request(this.#lockName(peer), { mode: 'shared', signal: waiting.signal }, () => {
        if (this.#closed || this.#reachable.get(peer) !== waiting) return;
        this.#forgetPeer(peer);
        this.onGone.emit(peer);
      })
      .catch(() => {});
  }

  #forgetPeer(peer: PeerId): void {
    this.#reachable.get(peer)?.abort();
    this.#reachable.delete(peer);
    this.#synFrom.delete(peer);
    this.#greetings.delete(peer);
  }

  /** A tab opened its link to this one: open ours if this tab wants one, else remember it. */
  #syn(peer: PeerId): void {
    const link = this.#links.get(peer);
    if (link && link.state !== 'closed') {
      this.post({ v: 1, t: 'ack', from: this.#options.selfId, to: peer });
      link.markOpen();
      return;
    }
    if (!this.#reachable.has(peer)) {
      this.#stats.dropped.unlinked++;
      return;
    }
    this.#synFrom.add(peer);
    this.onReachable.emit(peer, true); // the mesh opens its side now if signaling lists the peer
  }

  #lockName(peer: PeerId): string {
    return `${this.#options.name}/tab/${peer}`;
  }
}
