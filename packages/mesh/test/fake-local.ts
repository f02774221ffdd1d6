import type { PeerId } from '@conclave/election';
import type { VirtualClock } from '@conclave/election/simulation';
import type { LocalChannel, LockManagerLike } from '../src/local-transport';

/** An in-memory `BroadcastChannel`: messages are cloned and reach every other open channel of the name after 1 ms. */
export class FakeChannelBus {
  readonly #channels = new Set<FakeChannel>();
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
}

/** In-memory Web Locks (exclusive only), shared by the tabs of one fake browser profile. */
export class FakeLocks {
  readonly #held = new Map<string, string>();
  readonly #queues = new Map<string, Waiter[]>();

  /** The lock manager one tab sees; `crash(owner)` releases everything that tab holds. */
  forTab(owner: PeerId): LockManagerLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          const waiter: Waiter = { callback, resolve, reject, owner };
          const queue = this.#queues.get(name) ?? [];
          this.#queues.set(name, queue);
          queue.push(waiter);
          options.signal?.addEventListener('abort', () => {
            const at = queue.indexOf(waiter);
            if (at >= 0) {
              queue.splice(at, 1);
              reject(new Error('AbortError'));
            }
          });
          this.#next(name);
        }),
    };
  }

  /** The tab's process ended: its locks are released, its queued requests vanish. */
  crash(owner: PeerId): void {
    for (const [name, queue] of this.#queues) {
      this.#queues.set(
        name,
        queue.filter((waiter) => waiter.owner !== owner),
      );
    }
    for (const [name, holder] of [...this.#held]) {
      if (holder !== owner) continue;
      this.#held.delete(name);
      this.#next(name);
    }
  }

  #next(name: string): void {
    if (this.#held.has(name)) return;
    const waiter = this.#queues.get(name)?.shift();
    if (!waiter) return;
    this.#held.set(name, waiter.owner);
    Promise.resolve()
      .then(waiter.callback)
      .then(
        (value) => {
          if (this.#held.get(name) === waiter.owner) this.#held.delete(name);
          waiter.resolve(value);
          this.#next(name);
        },
        (error) => {
          this.#held.delete(name);
          waiter.reject(error);
          this.#next(name);
        },
      );
  }
}
