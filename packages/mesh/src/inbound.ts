import { type ElectionWireMessage, type PeerId, parseElectionMessage } from '@conclave/election';
import type { TokenBucket } from '@conclave/protocol';
import type { MeshCounters } from './mesh-stats';
import { decodeEnvelope, type Envelope } from './wire';

/** What the inbound pipeline admits: an envelope, with an election message already checked. */
export type Admitted =
  | { readonly ch: 'election'; readonly message: ElectionWireMessage }
  | Exclude<Envelope, { ch: 'election' }>;

/**
 * The one inbound pipeline every transport's messages go through: per-link rate limit, size bound, JSON and
 * envelope validation, and the election sender check (a message claiming another sender than the peer whose
 * link it came on is dropped). Every drop is counted; undefined means dropped.
 */
export function admitInbound(
  from: PeerId,
  raw: string | Uint8Array,
  bucket: TokenBucket,
  counters: MeshCounters,
): Admitted | undefined {
  const dropped = counters.dropped;
  if (!bucket.take()) {
    dropped.rateLimited++;
    return undefined;
  }
  const decoded = decodeEnvelope(raw);
  if (!decoded.ok) {
    if (decoded.reason === 'oversize') dropped.oversize++;
    else if (decoded.reason === 'bad-json') dropped.badJson++;
    else dropped.badShape++;
    return undefined;
  }
  const envelope = decoded.envelope;
  if (envelope.ch !== 'election') return envelope;
  const parsed = parseElectionMessage(envelope.msg);
  if (!parsed.ok) {
    dropped.badElection++;
    return undefined;
  }
  if (parsed.message.sender !== from) {
    dropped.spoofed++;
    return undefined;
  }
  return { ch: 'election', message: parsed.message };
}
