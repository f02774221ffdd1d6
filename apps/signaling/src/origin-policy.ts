/**
 * Which browser origins may open a Socket.IO connection. CORS does not cover WebSocket, so this runs in
 * Socket.IO's `allowRequest`, for every transport.
 *
 * - No `Origin` header (Node and other non-browser clients): allowed; they are not subject to the
 *   same-origin policy, so an origin check could not stop them anyway.
 * - A non-empty allow-list: the origin must be in it, exactly.
 * - An empty allow-list: the server's own origin (when it is bound to a concrete address) and loopback
 *   origins are allowed. Deliberately not "whatever the Host header says": a DNS-rebinding page would pass
 *   that check.
 */
export class OriginPolicy {
  readonly #allowed: ReadonlySet<string>;
  readonly #ownOrigins: () => readonly string[];

  constructor(allowedOrigins: readonly string[], ownOrigins: () => readonly string[]) {
    this.#allowed = new Set(allowedOrigins);
    this.#ownOrigins = ownOrigins;
  }

  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.#allowed.size > 0) return this.#allowed.has(origin);
    return isLoopbackOrigin(origin) || this.#ownOrigins().includes(origin);
  }
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `http(s)://localhost|127.0.0.1|[::1][:port]`. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.origin === origin &&
    loopbackHosts.has(url.hostname)
  );
}

/** The origins a browser uses for a server bound to `host:port` (none for wildcard binds). */
export function ownOrigins(host: string, port: number): string[] {
  if (host === '0.0.0.0' || host === '::' || host === '') return [];
  const hostname = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return [`http://${hostname}:${port}`, `https://${hostname}:${port}`];
}
