import { z } from 'zod';
import { limits, peerIdPattern, roomNamePattern } from './limits';

export const peerIdSchema = z.string().regex(peerIdPattern, 'peer ids are 32 lowercase hex characters');
export const roomNameSchema = z
  .string()
  .regex(roomNamePattern, 'room names are 1-64 letters, digits, ".", "-" or "_"');

/** JSON object payloads of at most {@link limits.signalDataMaxBytes} once serialized. */
export const signalDataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => jsonSize(value) <= limits.signalDataMaxBytes, {
    message: `signal data must serialize to at most ${limits.signalDataMaxBytes} bytes`,
  });

export const joinRequestSchema = z.strictObject({
  room: roomNameSchema,
  secret: z.string().min(1).max(limits.secretMaxLength).optional(),
  /** The token from an earlier join ack: rejoin with the same id after a reconnect. */
  resume: z.string().min(1).max(limits.resumeTokenMaxLength).optional(),
});

export const signalRequestSchema = z.strictObject({
  to: peerIdSchema,
  data: signalDataSchema,
});

export type JoinRequest = z.infer<typeof joinRequestSchema>;
export type SignalRequest = z.infer<typeof signalRequestSchema>;

/** Byte length of a value's JSON form; Infinity when it has none (cycles, BigInt). */
export function jsonSize(value: unknown): number {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? Number.POSITIVE_INFINITY : new TextEncoder().encode(text).byteLength;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
