import * as z from 'zod/mini';
import { jsonSize } from './json-size';
import { limits, peerIdPattern, roomNamePattern } from './limits';
import './zod-english';

export const peerIdSchema = z
  .string()
  .check(z.regex(peerIdPattern, 'peer ids are 32 lowercase hex characters'));
export const roomNameSchema = z
  .string()
  .check(z.regex(roomNamePattern, 'room names are 1-64 letters, digits, ".", "-" or "_"'));

/** JSON object payloads of at most {@link limits.signalDataMaxBytes} once serialized. */
export const signalDataSchema = z.record(z.string(), z.unknown()).check(
  z.refine((value) => jsonSize(value) <= limits.signalDataMaxBytes, {
    message: `signal data must serialize to at most ${limits.signalDataMaxBytes} bytes`,
  }),
);

export const joinRequestSchema = z.strictObject({
  room: roomNameSchema,
  secret: z.optional(z.string().check(z.minLength(1), z.maxLength(limits.secretMaxLength))),
  /** The token from an earlier join ack: rejoin with the same id after a reconnect. */
  resume: z.optional(z.string().check(z.minLength(1), z.maxLength(limits.resumeTokenMaxLength))),
});

export const signalRequestSchema = z.strictObject({
  to: peerIdSchema,
  data: signalDataSchema,
});

export type JoinRequest = z.infer<typeof joinRequestSchema>;
export type SignalRequest = z.infer<typeof signalRequestSchema>;
