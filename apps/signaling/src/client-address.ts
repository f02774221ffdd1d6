import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The address a connection counts against. Without `trustedHeader` it is the TCP peer's, and every
 * header is ignored (any client can write any header). With it, the server sits behind a reverse proxy:
 * the address is the header's right-most entry — the one the proxy nearest the server appended from its
 * own TCP peer; entries further left were sent by the client and can be forged. A request without a
 * usable entry (it did not come through the proxy) counts against its TCP peer.
 */
export function clientAddress(req: IncomingMessage, trustedHeader: string | undefined): string {
  const peer = normalize(req.socket.remoteAddress ?? '') ?? 'unknown';
  if (trustedHeader === undefined) return peer;
  const value = req.headers[trustedHeader];
  // Repeated headers: Node joins most with ", " but may hand over an array; the last one is the proxy's.
  const text = Array.isArray(value) ? value.at(-1) : value;
  const last = text?.split(',').at(-1)?.trim() ?? '';
  return normalize(last) ?? peer;
}

/** A valid IP in one spelling per host (`::ffff:1.2.3.4` is `1.2.3.4`); undefined if not an IP. */
function normalize(address: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const candidate = mapped?.[1] ?? address;
  const version = isIP(candidate);
  if (version === 4) return candidate;
  if (version === 6) return candidate.toLowerCase();
  return undefined;
}
