import { peerIdSchema } from '@conclave/protocol';
import * as z from 'zod/mini';
import { meshLimits } from './limits';
import { peerAgentSchema } from './peer-agent';

/**
 * The data-channel envelope: every message between two tabs is one JSON object with a channel tag `ch`.
 *
 * - `election`: a message of the election (validated again by `parseElectionMessage` before delivery);
 * - `app`: an application payload (RoomCore's `sendTo`/`broadcast`; the shared-work layer validates it);
 * - `links`: the peers the sender has an open link to (for the mesh picture);
 * - `agent`: the sender's browser and platform, once per link (display only; see `peer-agent.ts`);
 * - `visible`: whether the sender's page is visible, at link open and on every change (for the leader
 *   preference `'visible'`; a claim, so it only ever picks among peers, never unseats a leader by itself);
 * - `bye`: the sender is leaving: close the link now instead of waiting for the channel to time out;
 * - `ping`/`pong`: a liveness probe (sent when signaling says the peer left, to tell a crash from a peer
 *   that merely lost its signaling connection).
 */
export type Envelope =
  | { readonly ch: 'election'; readonly msg: unknown }
  | { readonly ch: 'app'; readonly payload: unknown }
  | { readonly ch: 'links'; readonly peers: readonly string[] }
  | { readonly ch: 'agent'; readonly browser: string; readonly platform: string }
  | { readonly ch: 'visible'; readonly visible: boolean }
  | { readonly ch: 'bye' }
  | { readonly ch: 'ping'; readonly n: number }
  | { readonly ch: 'pong'; readonly n: number };

/** Why an inbound message was dropped. Each reason is a counter of {@link RoomStats}. */
export type WireDropReason = 'oversize' | 'bad-json' | 'bad-shape';

export type DecodeResult =
  | { readonly ok: true; readonly envelope: Envelope }
  | { readonly ok: false; readonly reason: WireDropReason };

const probeNumber = z.int().check(z.minimum(0), z.maximum(2 ** 31));

const present = (value: unknown) => value !== undefined;

/** zod schema of {@link Envelope}: strict objects, bounded lists. */
export const envelopeSchema = z.discriminatedUnion('ch', [
  z.strictObject({ ch: z.literal('election'), msg: z.unknown().check(z.refine(present, 'msg is required')) }),
  z.strictObject({
    ch: z.literal('app'),
    payload: z.unknown().check(z.refine(present, 'payload is required')),
  }),
  z.strictObject({
    ch: z.literal('links'),
    peers: z.array(peerIdSchema).check(z.maxLength(meshLimits.maxPeers)),
  }),
  z.strictObject({ ch: z.literal('agent'), ...peerAgentSchema.shape }),
  z.strictObject({ ch: z.literal('visible'), visible: z.boolean() }),
  z.strictObject({ ch: z.literal('bye') }),
  z.strictObject({ ch: z.literal('ping'), n: probeNumber }),
  z.strictObject({ ch: z.literal('pong'), n: probeNumber }),
]);

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** UTF-8 byte length of a string, computed only when its UTF-16 length does not already decide `limit`. */
function exceedsBytes(text: string, limit: number): boolean {
  if (text.length > limit) return true; // every UTF-16 unit is at least one byte
  if (text.length * 3 <= limit) return false; // every UTF-16 unit is at most three bytes
  return encoder.encode(text).byteLength > limit;
}

/**
 * Decodes one inbound data-channel message (a string, or bytes as simple-peer delivers them). Never throws:
 * oversize input is rejected before it is parsed, bad UTF-8 or JSON is `bad-json`, anything that is not an
 * {@link Envelope} is `bad-shape`.
 */
export function decodeEnvelope(raw: unknown, maxBytes: number = meshLimits.maxMessageBytes): DecodeResult {
  let text: string;
  if (typeof raw === 'string') {
    if (exceedsBytes(raw, maxBytes)) return { ok: false, reason: 'oversize' };
    text = raw;
  } else if (raw instanceof Uint8Array) {
    if (raw.byteLength > maxBytes) return { ok: false, reason: 'oversize' };
    try {
      text = decoder.decode(raw);
    } catch {
      return { ok: false, reason: 'bad-json' };
    }
  } else {
    return { ok: false, reason: 'bad-shape' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'bad-json' };
  }
  const parsed = envelopeSchema.safeParse(value);
  return parsed.success
    ? { ok: true, envelope: parsed.data as Envelope }
    : { ok: false, reason: 'bad-shape' };
}

/**
 * Thrown when a payload cannot be sent ({@link Room.sendTo}, {@link Room.broadcast}, the mesh's own sends): it
 * has no JSON form, or its envelope is larger than {@link meshLimits.maxMessageBytes}.
 */
export class MeshPayloadError extends TypeError {
  override readonly name = 'MeshPayloadError';
}

/**
 * Serializes an envelope for a data channel.
 * @throws {MeshPayloadError} when it has no JSON form (cycles, BigInt, a bare `undefined` payload) or its
 * JSON form exceeds `maxBytes`.
 */
export function encodeEnvelope(envelope: Envelope, maxBytes: number = meshLimits.maxMessageBytes): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(envelope);
  } catch (error) {
    throw new MeshPayloadError(`message has no JSON form: ${(error as Error).message}`);
  }
  if (text === undefined || (envelope.ch === 'app' && envelope.payload === undefined)) {
    throw new MeshPayloadError('message has no JSON form');
  }
  if (exceedsBytes(text, maxBytes)) {
    throw new MeshPayloadError(`message exceeds ${maxBytes} bytes once serialized`);
  }
  return text;
}
