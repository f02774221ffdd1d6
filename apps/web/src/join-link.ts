const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The dashboard URL another device opens to join `room` on the server at `origin` (never the secret). */
export function joinUrl(origin: string, room: string): string {
  const url = new URL('/', origin);
  url.searchParams.set('room', room);
  return url.toString();
}

/** Whether a page at `origin` came through loopback: other devices cannot use that address. */
export function isLoopbackOrigin(origin: string): boolean {
  const { hostname } = new URL(origin);
  return loopbackHosts.has(hostname) || hostname.startsWith('127.');
}
