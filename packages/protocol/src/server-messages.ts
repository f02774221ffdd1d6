import * as z from 'zod/mini';
import { signalingErrorCodes } from './errors';
import { limits } from './limits';
import { peerIdSchema, signalDataSchema } from './schemas';

/**
 * zod schemas of what the signaling server sends: a client trusts nothing that crosses the network,
 * not even its own server. Lists are bounded; an answer that fails is treated like a failed request.
 */
const failureSchema = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.enum(signalingErrorCodes),
    message: z.string().check(z.maxLength(limits.errorMessageMaxLength)),
  }),
});

export const joinResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    id: peerIdSchema,
    peers: z.array(peerIdSchema).check(z.maxLength(limits.joinPeersMaxCount)),
    resume: z.string().check(z.minLength(1), z.maxLength(limits.resumeTokenMaxLength)),
  }),
  failureSchema,
]);

export const ackSchema = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true) }), failureSchema]);

export const peerEventSchema = z.object({ id: peerIdSchema });

export const signalRelaySchema = z.object({ from: peerIdSchema, data: signalDataSchema });

export const shutdownEventSchema = z.object({ reconnectAfterMs: z.number().check(z.minimum(0)) });

export type ValidJoinResult = z.infer<typeof joinResultSchema>;
