import { limits } from '@conclave/protocol';
import * as z from 'zod/mini';

/**
 * What the mesh puts in the signaling server's `signal.data` to negotiate links:
 *
 * - `{ v: 1, kind: 'sdp', session, data }`: one of simple-peer's signals (offer, answer or ICE candidate)
 *   for the link attempt `session`. The initiator draws a fresh `session` for every attempt, so a late
 *   answer or candidate of an abandoned attempt is recognised and dropped instead of breaking the new one.
 * - `{ v: 1, kind: 'link-request' }`: the non-initiating side has no link and asks the initiator for a
 *   fresh one (it cannot start one itself: the lower id always initiates).
 */
export type LinkSignal =
  | { readonly v: 1; readonly kind: 'sdp'; readonly session: string; readonly data: SimplePeerSignal }
  | { readonly v: 1; readonly kind: 'link-request' };

/** The subset of simple-peer's signal data the mesh relays: offers, answers and trickled candidates. */
export type SimplePeerSignal =
  | { readonly type: 'offer' | 'answer'; readonly sdp: string }
  | {
      readonly type: 'candidate';
      readonly candidate: {
        readonly candidate: string;
        readonly sdpMLineIndex?: number | null | undefined;
        readonly sdpMid?: string | null | undefined;
        readonly usernameFragment?: string | null | undefined;
      };
    };

const sessionSchema = z
  .string()
  .check(z.regex(/^[0-9a-z]{1,32}$/, 'sessions are 1-32 lowercase letters or digits'));
const short = z.string().check(z.maxLength(256));

export const simplePeerSignalSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['offer', 'answer']),
    sdp: z.string().check(z.minLength(1), z.maxLength(limits.signalDataMaxBytes)),
  }),
  z.object({
    type: z.literal('candidate'),
    candidate: z.object({
      candidate: z.string().check(z.maxLength(1024)),
      sdpMLineIndex: z.nullish(z.int().check(z.minimum(0), z.maximum(1024))),
      sdpMid: z.nullish(short),
      usernameFragment: z.nullish(short),
    }),
  }),
]);

export const linkSignalSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    v: z.literal(1),
    kind: z.literal('sdp'),
    session: sessionSchema,
    data: simplePeerSignalSchema,
  }),
  z.strictObject({ v: z.literal(1), kind: z.literal('link-request') }),
]);

/** Validates relayed signal data; undefined for anything that is not a {@link LinkSignal}. Never throws. */
export function parseLinkSignal(data: unknown): LinkSignal | undefined {
  const parsed = linkSignalSchema.safeParse(data);
  return parsed.success ? (parsed.data as LinkSignal) : undefined;
}

/** A fresh link-attempt id: 64 random bits in base 36. */
export function newSession(): string {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return `${words[0]!.toString(36)}${words[1]!.toString(36)}`;
}
