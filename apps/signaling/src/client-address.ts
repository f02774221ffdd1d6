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

/**
 * One key per client (`::ffff:1.2.3.4` is `1.2.3.4`); undefined if not an IP. An IPv6 address counts as
 * its /64: one subscriber usually holds a whole /64, so per-address counting would let it pick a fresh
 * address per connection.
 */
function normalize(address: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const candidate = mapped?.[1] ?? address;
  const version = isIP(candidate);
  if (version === 4) return candidate;
  if (version === 6) return `${ipv6Groups(candidate).slice(0, 4).join(':')}::/64`;
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros (zone and embedded IPv4 dropped). */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // A trailing dotted IPv4 part fills two groups; only the first four groups matter here.
  const width = (groups: string[]) => groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array<string>(8 - width(left) - width(right)).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
