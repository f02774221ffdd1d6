import type { Clock, PeerId } from '@conclave/election';
import type { FaultTable } from './fault-injector';
import { meshLimits } from './limits';
import type { Link, LinkCallbacks, LinkState } from './link';
import type { SimplePeerSignal } from './link-signal';
import type { Transport } from './transport';

/**
 * Wraps a transport so the tab's {@link FaultTable} applies to every link it opens (test-only: a room
 * joined with `faults: true`). Traffic a fault cuts or deafens is dropped and counted in the table, delayed
 * traffic is delivered later in order, and a cut peer is held (see {@link Transport.holds}): its link stays
 * open, out of the view, until `heal()`.
 */
export function withFaults(inner: Transport, table: FaultTable, clock: Clock): Transport {
  return {
    kind: inner.kind,
    reaches: (peer) => inner.reaches(peer),
    createLink: (peer, initiator, callbacks) =>
      new FaultyLink(inner, peer, initiator, callbacks, table, clock),
    onReachable: inner.onReachable,
    onGone: inner.onGone,
    ...(inner.noticesEnd === undefined ? {} : { noticesEnd: inner.noticesEnd }),
    // A peer under a test fault is not watched: the fault stands for a link that misbehaves while both live.
    watches: (peer) => table.faultOf(peer) === undefined && inner.watches?.(peer) === true,
    holds: (peer) => table.dropsOutbound(peer) || inner.holds?.(peer) === true,
    onHoldChange: table.onChange,
    close: () => inner.close(),
  };
}

/** A link whose traffic passes the fault table first. */
class FaultyLink implements Link {
  readonly #inner: Link;
  readonly #untrack: () => void;
  /** Delayed inbound messages not delivered yet (bounded: beyond, they are dropped and counted). */
  readonly #delayed = new Set<unknown>();
  /** When the last delayed message is due: a later one never overtakes it. */
  #lastDueAt = 0;
  #destroyed = false;

  constructor(
    inner: Transport,
    readonly peer: PeerId,
    initiator: boolean,
    private readonly callbacks: LinkCallbacks,
    private readonly table: FaultTable,
    private readonly clock: Clock,
  ) {
    this.#inner = inner.createLink(peer, initiator, {
      signal: (data) => callbacks.signal(data),
      open: () => callbacks.open(),
      data: (raw) => this.#arrived(raw),
      close: (reason) => {
        this.#stop();
        callbacks.close(reason);
      },
    });
    this.#untrack = table.track(peer, (_peer, text) => this.#sendRaw(text));
  }

  get initiator(): boolean {
    return this.#inner.initiator;
  }

  get state(): LinkState {
    return this.#inner.state;
  }

  signal(data: SimplePeerSignal): void {
    this.#inner.signal(data);
  }

  send(text: string): boolean {
    if (this.table.dropsOutbound(this.peer)) {
      this.table.countDrop();
      return false;
    }
    return this.#inner.send(text);
  }

  bufferedAmount(): number {
    return this.#inner.bufferedAmount();
  }

  destroy(): void {
    this.#stop();
    this.#inner.destroy();
  }

  #stop(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#untrack();
    for (const timer of this.#delayed) this.clock.clearTimeout(timer);
    this.#delayed.clear();
  }

  #arrived(raw: string | Uint8Array): void {
    if (this.table.dropsInbound(this.peer)) {
      this.table.countDrop();
      return;
    }
    const delay = this.table.delayOf(this.peer);
    if (delay === 0 && this.#delayed.size === 0) {
      this.callbacks.data(raw);
      return;
    }
    if (this.#delayed.size >= meshLimits.inboundBurst) {
      this.table.countDrop();
      return;
    }
    const now = this.clock.now();
    const dueAt = Math.max(now + delay, this.#lastDueAt);
    this.#lastDueAt = dueAt;
    const timer = this.clock.setTimeout(() => {
      this.#delayed.delete(timer);
      if (this.#destroyed) return;
      // A fault set while the message was on its way drops it, as it would drop it arriving now.
      if (this.table.dropsInbound(this.peer)) this.table.countDrop();
      else this.callbacks.data(raw);
    }, dueAt - now);
    this.#delayed.add(timer);
  }

  /** `rawSend`: the text as is, without the mesh's encoder and size check, but within its buffer bound. */
  #sendRaw(text: string): boolean {
    if (this.state !== 'open' || this.bufferedAmount() > meshLimits.maxBufferedBytes) return false;
    return this.#inner.send(text);
  }
}
