import * as z from 'zod/mini';
import type { PeerId } from './types';
import './zod-english';

/** Bounds of what the election accepts from the network. */
export const messageLimits = {
  /** Longest peer id (the mesh's ids are 32 characters). */
  peerIdMaxLength: 128,
  /** Largest term: far above anything reachable (a term per millisecond for 35,000 years), still exact. */
  maxTerm: 2 ** 50,
  /**
   * Largest step above the highest term a peer knows that it accepts in one message. Honest terms grow by one
   * per leadership; a peer that jumps to the bound would leave no valid term above it and wedge the room, so a
   * bigger jump is dropped (counted in `termJumpsDropped`). Reaching the bound now takes 2^30 messages.
   */
  maxTermStep: 2 ** 20,
} as const;

/**
 * "I do not know a leader; I propose myself." `term` is the highest term the sender knows and `holder` the
 * leader that held it (absent before any leader is known), so that the winner can rise above it. Sent directly
 * to a leader it is a hint: "I cannot follow you under that term, rise above it".
 */
export interface ProposalMessage {
  readonly type: 'proposal';
  readonly sender: PeerId;
  readonly term: number;
  readonly holder?: PeerId;
}

/** "I lead, under `term`." Sent every leaderAliveThreshold / 2, and at once to newcomers and proposers. */
export interface DeclarationMessage {
  readonly type: 'declaration';
  readonly sender: PeerId;
  readonly term: number;
}

/**
 * "I stop leading `term`"; `successor` (the lowest id in the sender's view) should declare at once, under
 * `successorTerm` (above every term the sender knows), which its followers adopt without waiting for it.
 */
export interface AbdicationMessage {
  readonly type: 'abdication';
  readonly sender: PeerId;
  readonly term: number;
  readonly successor?: PeerId;
  readonly successorTerm?: number;
}

/**
 * Not in Fabric. A follower's answer to a proposal from a peer that does not know the follower's leadership
 * (a newcomer whose link to the leader has not opened yet): "`leader` leads under `term`; wait for it".
 * It only postpones the receiver's own election by one leaderAliveThreshold; it never makes it follow anyone.
 */
export interface LeaderHintMessage {
  readonly type: 'leader-hint';
  readonly sender: PeerId;
  readonly term: number;
  readonly leader: PeerId;
}

/** Every message the election sends. Plain JSON. */
export type ElectionWireMessage =
  | ProposalMessage
  | DeclarationMessage
  | AbdicationMessage
  | LeaderHintMessage;

const peerIdSchema = z.string().check(z.minLength(1), z.maxLength(messageLimits.peerIdMaxLength));
const termSchema = z.int().check(z.minimum(0), z.maximum(messageLimits.maxTerm));

/** zod schema of {@link ElectionWireMessage}: strict objects, bounded strings and numbers. */
export const electionMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('proposal'),
    sender: peerIdSchema,
    term: termSchema,
    holder: z.optional(peerIdSchema),
  }),
  z.strictObject({ type: z.literal('declaration'), sender: peerIdSchema, term: termSchema }),
  z.strictObject({
    type: z.literal('abdication'),
    sender: peerIdSchema,
    term: termSchema,
    successor: z.optional(peerIdSchema),
    successorTerm: z.optional(termSchema),
  }),
  z.strictObject({
    type: z.literal('leader-hint'),
    sender: peerIdSchema,
    term: termSchema,
    leader: peerIdSchema,
  }),
]);

export type ParseElectionMessageResult =
  | { readonly ok: true; readonly message: ElectionWireMessage }
  | { readonly ok: false; readonly error: string };

/**
 * Validates anything received from the network as an election message. Never throws; the error names what
 * is wrong. Transports call this on every message, then overwrite `sender` with the peer the message came from.
 */
export function parseElectionMessage(raw: unknown): ParseElectionMessageResult {
  const parsed = electionMessageSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `invalid election message: ${where}${issue?.message ?? 'unknown problem'}` };
}

/**
 * The cheap check the election itself runs on what its adapter hands it (the transport has already run
 * {@link parseElectionMessage}; the simulator relies on this one so that a million deliveries stay cheap).
 */
export function isElectionWireMessage(value: unknown): value is ElectionWireMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (
    m.type !== 'proposal' &&
    m.type !== 'declaration' &&
    m.type !== 'abdication' &&
    m.type !== 'leader-hint'
  )
    return false;
  if (!isPeerId(m.sender)) return false;
  if (!isTerm(m.term)) return false;
  if (m.type === 'abdication' && m.successor !== undefined && !isPeerId(m.successor)) return false;
  if (m.type === 'abdication' && m.successorTerm !== undefined && !isTerm(m.successorTerm)) return false;
  if (m.type === 'proposal' && m.holder !== undefined && !isPeerId(m.holder)) return false;
  if (m.type === 'leader-hint' && !isPeerId(m.leader)) return false;
  return true;
}

function isTerm(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= messageLimits.maxTerm;
}

function isPeerId(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= messageLimits.peerIdMaxLength;
}
