import { peerIdPattern } from '@conclave/protocol';
import * as z from 'zod/mini';
import { meshLimits } from './limits';

const peerId = z.string().check(z.regex(peerIdPattern));

/**
 * What tabs post on a room's `BroadcastChannel`: `here` announces a tab (answered once by every tab that
 * did not know it), `locked` says it holds its Web Lock (watch it from now on), `gone` says it left; `syn`/`ack` open a link between two tabs, `close` ends it, `data`
 * carries one wire message to one tab or several (validated again by the mesh's inbound pipeline, like a data channel's).
 */
export const localMessageSchema = z.discriminatedUnion('t', [
  z.object({ v: z.literal(1), t: z.enum(['here', 'locked', 'gone']), from: peerId }),
  z.object({ v: z.literal(1), t: z.enum(['syn', 'ack', 'close']), from: peerId, to: peerId }),
  z.object({
    v: z.literal(1),
    t: z.literal('data'),
    from: peerId,
    // Several tabs when the same message goes to each (a broadcast): one post instead of one per tab.
    to: z.union([peerId, z.array(peerId).check(z.minLength(2), z.maxLength(meshLimits.maxPeers))]),
    d: z.string().check(z.maxLength(meshLimits.maxMessageBytes)),
  }),
]);

export type LocalMessage = z.infer<typeof localMessageSchema>;
