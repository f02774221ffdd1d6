import type { PeerId } from '@conclave/election';
import { meshLimits } from './limits';
import { type LocalMessage, maxBatchChars, maxBatchItems } from './local-message';

/**
 * The data a tab sends in one turn, posted once at the end of it. Every post on a `BroadcastChannel` wakes
 * every tab of the room in the profile, so the posts are what a local room costs: the same text to several
 * tabs (the mesh's broadcast) is one item, and the items of one turn go out as one `batch` post. A link
 * opening (the election's answer, the link report, agent, visibility and the first ping) is then one wake-up
 * of each tab instead of five. Control messages flush first (a link's close follows its last data).
 */
export class LocalOutbox {
  #pending: { readonly text: string; readonly to: PeerId[] }[] = [];
  #flushQueued = false;

  constructor(
    private readonly from: PeerId,
    private readonly send: (message: LocalMessage) => void,
  ) {}

  add(to: PeerId, text: string): void {
    const last = this.#pending.at(-1);
    // The same text to another tab joins the item; to the same tab again it is a message of its own.
    if (last && last.text === text && last.to.length < meshLimits.maxPeers && !last.to.includes(to)) {
      last.to.push(to);
    } else this.#pending.push({ text, to: [to] });
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Posts what is pending now: batches of at most `maxBatchItems` items and `maxBatchChars` characters. */
  flush(): void {
    this.#flushQueued = false;
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    let chunk: typeof pending = [];
    let chars = 0;
    for (const item of pending) {
      if (chunk.length > 0 && (chunk.length === maxBatchItems || chars + item.text.length > maxBatchChars)) {
        this.#post(chunk);
        chunk = [];
        chars = 0;
      }
      chunk.push(item);
      chars += item.text.length;
    }
    this.#post(chunk);
  }

  /** Drops what is pending (the transport closed). */
  clear(): void {
    this.#pending = [];
  }

  #post(chunk: readonly { readonly text: string; readonly to: PeerId[] }[]): void {
    const recipients = (to: PeerId[]) => (to.length === 1 ? to[0]! : to);
    if (chunk.length === 1) {
      const [only] = chunk;
      this.send({ v: 1, t: 'data', from: this.from, to: recipients(only!.to), d: only!.text });
      return;
    }
    const items = chunk.map(({ text, to }) => ({ to: recipients(to), d: text }));
    this.send({ v: 1, t: 'batch', from: this.from, items });
  }
}
