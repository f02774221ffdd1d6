import { jsonSize } from '@conclave/protocol';
import * as z from 'zod/mini';
import { sharedWorkLimits as limits } from './limits';

/**
 * Every shared-work payload on the room's app channel carries this tag, so other users of the channel
 * (the app itself, other layers) can share it: untagged payloads are not ours and are ignored.
 */
export const sharedWorkChannel = 'conclave/shared-work@1';

const channel = z.literal(sharedWorkChannel);
const id = z.string().check(z.minLength(1), z.maxLength(limits.maxIdLength));
const name = z.string().check(z.minLength(1), z.maxLength(limits.maxNameLength));
const peerId = z.string().check(z.minLength(1), z.maxLength(limits.maxPeerIdLength));
const term = z.int().check(z.minimum(0));
const version = z.int().check(z.minimum(1));
const text = z.string().check(z.maxLength(limits.maxErrorTextLength));

/** Codes a leader (or a peer it thought was leader) answers a call with. */
export const callFailureCodes = [
  'not-leader',
  'method-not-found',
  'remote-error',
  'invalid-request',
  'invalid-response',
  'overloaded',
] as const;
export type CallFailureCode = (typeof callFailureCodes)[number];

/** Ask the leader to run `method`; `id` is the caller's request id, the same on every retry. */
const callMessage = z.strictObject({
  ch: channel,
  kind: z.literal('call'),
  id,
  method: name,
  args: z.unknown(),
});

/** The handler's result; `term` is the leader's term when it accepted the call. */
const resultMessage = z.strictObject({
  ch: channel,
  kind: z.literal('result'),
  id,
  term,
  value: z.unknown(),
});

/** The call failed; `leaderId` is the answering peer's idea of the leader (for `not-leader`). */
const failureMessage = z.strictObject({
  ch: channel,
  kind: z.literal('failure'),
  id,
  term,
  code: z.enum(callFailureCodes),
  message: text,
  leaderId: z.optional(peerId),
  remote: z.optional(
    z.strictObject({
      name: text,
      message: text,
      code: z.optional(z.union([z.string().check(z.maxLength(128)), z.number()])),
    }),
  ),
});

/**
 * A shared value: broadcast by the leader on publish, sent to late joiners, and sent in answer to a
 * `sync-request` (then `sync` is the request's nonce).
 */
const stateMessage = z.strictObject({
  ch: channel,
  kind: z.literal('state'),
  name,
  term,
  version,
  value: z.unknown(),
  sync: z.optional(id),
});

/** "Send me every shared value you hold" — a new leader catching up, or a follower that found its leader. */
const syncRequestMessage = z.strictObject({ ch: channel, kind: z.literal('sync-request'), nonce: id });

/** The end of a sync answer: `count` state messages preceded it. */
const syncEndMessage = z.strictObject({
  ch: channel,
  kind: z.literal('sync-end'),
  nonce: id,
  count: z.int().check(z.minimum(0), z.maximum(limits.maxSharedNames)),
});

/** Every payload shared-work sends, discriminated by `kind`. */
export const sharedWorkMessageSchema = z.discriminatedUnion('kind', [
  callMessage,
  resultMessage,
  failureMessage,
  stateMessage,
  syncRequestMessage,
  syncEndMessage,
]);

export type SharedWorkMessage = z.infer<typeof sharedWorkMessageSchema>;
export type CallMessage = z.infer<typeof callMessage>;
export type ResultMessage = z.infer<typeof resultMessage>;
export type FailureMessage = z.infer<typeof failureMessage>;
export type StateMessage = z.infer<typeof stateMessage>;
export type SyncRequestMessage = z.infer<typeof syncRequestMessage>;
export type SyncEndMessage = z.infer<typeof syncEndMessage>;

/** A message as built by this package: everything but the channel tag. */
export type Outgoing<M extends SharedWorkMessage> = M extends unknown ? Omit<M, 'ch'> : never;

/** Adds the channel tag. */
export function tag<M extends SharedWorkMessage>(message: Outgoing<M>): M {
  return { ch: sharedWorkChannel, ...message } as unknown as M;
}

/** What {@link parseIncoming} made of a payload. */
export type Parsed =
  | { readonly status: 'ok'; readonly message: SharedWorkMessage }
  | { readonly status: 'foreign' }
  | { readonly status: 'invalid'; readonly reason: string };

/**
 * Classifies an app-channel payload: not ours (no channel tag), ours but invalid (bad shape, too large,
 * a value over {@link sharedWorkLimits.maxValueBytes}), or a valid message.
 */
export function parseIncoming(payload: unknown): Parsed {
  if (
    typeof payload !== 'object' ||
    payload === null ||
    (payload as { ch?: unknown }).ch !== sharedWorkChannel
  ) {
    return { status: 'foreign' };
  }
  if (jsonSize(payload) > limits.maxMessageBytes) return { status: 'invalid', reason: 'too large' };
  const parsed = sharedWorkMessageSchema.safeParse(payload);
  if (!parsed.success) return { status: 'invalid', reason: parsed.error.issues[0]?.message ?? 'invalid' };
  const message = parsed.data;
  const carried = message.kind === 'call' ? message.args : 'value' in message ? message.value : undefined;
  if (carried !== undefined && jsonSize(carried) > limits.maxValueBytes) {
    return { status: 'invalid', reason: 'value too large' };
  }
  return { status: 'ok', message };
}
