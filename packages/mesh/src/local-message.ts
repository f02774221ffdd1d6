import { peerIdPattern } from '@conclave/protocol';
import * as z from 'zod/mini';
import { meshLimits } from './limits';

const peerId = z.string().check(z.regex(peerIdPattern));

/** One tab, or several when the same message goes to each (a broadcast): one post instead of one per tab. */
const recipients = z.union([peerId, z.array(peerId).check(z.minLength(2), z.maxLength(meshLimits.maxPeers))]);
const wireText = z.string().check(z.maxLength(meshLimits.maxMessageBytes));

/** Most items one `batch` post carries. */
export const maxBatchItems = 32;
/** Most characters of wire text one `batch` post carries, all items together (one maximal wire message). */
export const maxBatchChars = meshLimits.maxMessageBytes;

/**
 * What tabs post on a room's `BroadcastChannel`:
 * - `here` announces a tab; every tab that did not know it answers with a `here` addressed `to` it (saying
 *   `locked` when it holds its own lock, and carrying in `d` the first wire message its link would carry: a
 *   leader's declaration), and an answer is never answered. `locked` says a tab holds its Web Lock now
 *   (watch it from now on); `gone` says it left.
 * - `syn`/`ack` open a link between two tabs, `close` ends it.
 * - `data` carries one wire message to one tab or several; `batch` carries the wire messages one tab sent in
 *   one turn. Each is validated again by the mesh's inbound pipeline, like a data channel's.
 */
export const localMessageSchema = z.discriminatedUnion('t', [
  z.object({
    v: z.literal(1),
    t: z.literal('here'),
    from: peerId,
    to: z.optional(peerId),
    locked: z.optional(z.literal(true)),
    d: z.optional(wireText),
  }),
  z.object({ v: z.literal(1), t: z.enum(['locked', 'gone']), from: peerId }),
  z.object({ v: z.literal(1), t: z.enum(['syn', 'ack', 'close']), from: peerId, to: peerId }),
  z.object({ v: z.literal(1), t: z.literal('data'), from: peerId, to: recipients, d: wireText }),
  z.object({
    v: z.literal(1),
    t: z.literal('batch'),
    from: peerId,
    items: z.array(z.object({ to: recipients, d: wireText })).check(
      z.minLength(2),
      z.maxLength(maxBatchItems),
      z.refine((items) => items.reduce((sum, item) => sum + item.d.length, 0) <= maxBatchChars),
    ),
  }),
]);

export type LocalMessage = z.infer<typeof localMessageSchema>;

/** Whether a message's recipients include `self` (checked before any validation: cheap, bounded). */
export function addressedTo(to: unknown, self: string): boolean {
  return to === self || (Array.isArray(to) && to.length <= meshLimits.maxPeers && to.includes(self));
}

/**
 * Whether a raw channel message is certainly for other tabs, so it can be skipped before validation: most
 * traffic on a room's channel is addressed to other tabs.
 */
export function addressedElsewhere(data: unknown, self: string): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const { to, items } = data as { to?: unknown; items?: unknown };
  if (to !== undefined) return !addressedTo(to, self);
  if (!Array.isArray(items) || items.length > maxBatchItems) return false;
  return !items.some((item) => addressedTo((item as { to?: unknown } | null)?.to, self));
}
