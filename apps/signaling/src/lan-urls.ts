import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

type Interfaces = ReturnType<typeof networkInterfaces>;

const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** This machine's IPv4 addresses other devices can reach (not loopback, not link-local). */
export function lanAddresses(interfaces: Interfaces = networkInterfaces()): string[] {
  const addresses = Object.values(interfaces)
    .flatMap((entries): NetworkInterfaceInfo[] => entries ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal && !entry.address.startsWith('169.254.'))
    .map((entry) => entry.address);
  return [...new Set(addresses)];
}

/**
 * What to print after the server's URL when it listens on every interface: where other devices open it,
 * and the `ALLOWED_ORIGINS` that lets their browsers in. Those origins are not allowed by default: which of
 * this machine's addresses are meant for a room (a home LAN, not a café's network or a VPN) is the
 * operator's choice, so the server says what to set instead of guessing. Nothing for any other bind: a
 * concrete address already allows its own origin, and loopback is this machine only.
 */
export function lanHints(
  host: string,
  port: number,
  allowedOrigins: readonly string[],
  interfaces: Interfaces = networkInterfaces(),
): string[] {
  if (!wildcardHosts.has(host)) return [];
  const urls = lanAddresses(interfaces).map((address) => `http://${address}:${port}`);
  if (urls.length === 0) return ['Listening on every interface, but this machine has no LAN address.'];
  const missing = urls.filter((url) => !allowedOrigins.includes(url));
  return [
    `On your network: ${urls.join('  ')}`,
    missing.length === 0
      ? 'Browsers on other devices may connect (their origins are in ALLOWED_ORIGINS).'
      : `Other devices' browsers are refused until you allow their origin, e.g. restart with\n  ALLOWED_ORIGINS=${[...allowedOrigins, ...missing].join(',')}`,
  ];
}
