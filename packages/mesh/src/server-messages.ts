import { peerIdSchema, signalDataSchema, signalingErrorCodes } from '@conclave/protocol';
import { z } from 'zod';

/**
 * zod schemas of what the signaling server sends: the client trusts nothing that crosses the network,
 * not even its own server. Lists are bounded; an answer that fails is treated like a failed request.
 */
const failureSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.enum(signalingErrorCodes), message: z.string().max(1024) }),
});

export const joinResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    id: peerIdSchema,
    peers: z.array(peerIdSchema).max(10_000),
    resume: z.string().min(1).max(1024),
  }),
  failureSchema,
]);

export const ackSchema = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), failureSchema]);

export const peerEventSchema = z.object({ id: peerIdSchema });

export const signalRelaySchema = z.object({ from: peerIdSchema, data: signalDataSchema });

export const shutdownEventSchema = z.object({ reconnectAfterMs: z.number().finite().min(0) });

export type ValidJoinResult = z.infer<typeof joinResultSchema>;
