import type { PeerId } from '@conclave/election';
import type { VirtualClock } from '@conclave/election/simulation';
import type { LocalChannel, LockManagerLike } from '../src/local-transport';

/** An in-memory `BroadcastChannel`: messages are cloned and reach every other open channel of the name after 1 ms. */
export class FakeChannelBus {
  readonly #channels = new Set<FakeChannel>();
  /** Every message a tab posted, in order (what wakes the other tabs of the profile). */
  readonly posted: unknown[] = [];
  constructor(readonly clock: VirtualClock) {}

  open(): FakeChannel {
    const channel = new FakeChannel(this);
    this.#channels.add(channel);
    return channel;
  }

  /** What a hostile script of the same origin could post. */
  inject(message: unknown): void {
    this.deliver(undefined, message);
  }

  deliver(from: FakeChannel | undefined, message: unknown): void {
    if (from && !this.#channels.has(from)) return; // a closed channel (or a crashed tab's) reaches nobody
    const copy = structuredClone(message);
    for (const channel of this.#channels) {
      if (channel === from) continue;
      this.clock.setTimeout(() => {
        if (this.#channels.has(channel)) channel.onmessage?.({ data: copy });
      }, 1);
    }
  }

  remove(channel: FakeChannel): void {
    this.#channels.delete(channel);
  }
}

export class FakeChannel implements LocalChannel {
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  constructor(private readonly bus: FakeChannelBus) {}
  postMessage(message: unknown): void {
    this.bus.posted.push(structuredClone(message));
    this.bus.deliver(this, message);
  }
  close(): void {
    this.bus.remove(this);
  }
}

interface Waiter {
  readonly callback: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly owner: string;
  readonly mode: 'exclusive' | 'shared';
}

/**
 * In-memory Web Locks, shared by the tabs of one fake browser profile: exclusive and shared modes, granted in
 * queue order (consecutive shared requests together), as `navigator.locks` does. A stalled tab (its event
 * loop busy) gets its grants only when resumed, and holds the lock meanwhile.
 */
export class FakeLocks {
  readonly #held = new Map<string, { mode: Waiter['mode']; waiters: Set<Waiter> }>();
  readonly #queues = new Map<string, Waiter[]>();
  readonly #stalled = new Map<PeerId, Array<() => void>>();
  readonly #slow = new Map<PeerId, Array<() => void>>();
  /** Tabs whose process ended: their requests vanish, as the browser drops a dead renderer's. */
  readonly #crashed = new Set<PeerId>();

  /** The lock manager one tab sees; `crash(owner)` releases everything that tab holds. */
  forTab(owner: PeerId): LockManagerLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          if (this.#crashed.has(owner)) return;
          const waiter: Waiter = { callback, resolve, reject, owner, mode: options.mode ?? 'exclusive' };
          const parked = this.#slow.get(owner);
          if (parked) {
            parked.push(() => this.#enqueue(name, waiter, options.signal));
            return;
          }
          this.#enqueue(name, waiter, options.signal);
        }),
    };
  }

  /** The browser has not taken `owner`'s lock requests yet (a slow tab): they wait for {@link FakeLocks.resume}. */
  delayRequests(owner: PeerId): void {
    if (!this.#slow.has(owner)) this.#slow.set(owner, []);
  }

  #enqueue(name: string, waiter: Waiter, signal: AbortSignal | undefined): void {
    const queue = this.#queues.get(name) ?? [];
    this.#queues.set(name, queue);
    queue.push(waiter);
    signal?.addEventListener('abort', () => {
      const at = queue.indexOf(waiter);
      if (at >= 0) {
        queue.splice(at, 1);
        waiter.reject(new Error('AbortError'));
      }
    });
    this.#next(name);
  }

  /** The tab's event loop is busy: lock callbacks for it wait until {@link FakeLocks.resume}. */
  stall(owner: PeerId): void {
    if (!this.#stalled.has(owner)) this.#stalled.set(owner, []);
  }

  resume(owner: PeerId): void {
    const pending = [...(this.#stalled.get(owner) ?? []), ...(this.#slow.get(owner) ?? [])];
    this.#stalled.delete(owner);
    this.#slow.delete(owner);
    for (const run of pending) run();
  }

  /** The tab's process ended: its locks are released, its queued requests vanish. */
  crash(owner: PeerId): void {
    this.#crashed.add(owner);
    this.#stalled.delete(owner);
    this.#slow.delete(owner);
    for (const [name, queue] of this.#queues) {
      this.#queues.set(
        name,
        queue.filter((waiter) => waiter.owner !== owner),
      );
    }
    for (const [name, held] of [...this.#held]) {
      for (const waiter of [...held.waiters]) if (waiter.owner === owner) held.waiters.delete(waiter);
      if (held.waiters.size > 0) continue;
      this.#held.delete(name);
      this.#next(name);
    }
  }

  #next(name: string): void {
    const queue = this.#queues.get(name) ?? [];
    for (let head = queue[0]; head; head = queue[0]) {
      const held = this.#held.get(name);
      if (held && (held.mode === 'exclusive' || head.mode === 'exclusive')) return;
      queue.shift();
      this.#grant(name, head);
    }
  }

  #grant(name: string, waiter: Waiter): void {
    const held = this.#held.get(name) ?? { mode: waiter.mode, waiters: new Set<Waiter>() };
    held.waiters.add(waiter);
    this.#held.set(name, held);
    const release = () => {
      const current = this.#held.get(name);
      if (!current?.waiters.delete(waiter)) return;
      if (current.waiters.size === 0) this.#held.delete(name);
      this.#next(name);
    };
    const run = () => {
      Promise.resolve()
        .then(waiter.callback)
        .then(
          (value) => {
            release();
            waiter.resolve(value);
          },
          (error) => {
            release();
            waiter.reject(error);
          },
        );
    };
    const stalled = this.#stalled.get(waiter.owner);
    if (stalled) stalled.push(run);
    else run();
  }
}
