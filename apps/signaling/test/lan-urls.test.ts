import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanAddresses, lanHints } from '../src/lan-urls';

const entry = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

const interfaces = {
  lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
  eth0: [entry('192.168.1.20', 'IPv4'), entry('fe80::1', 'IPv6')],
  wlan0: [entry('10.0.0.7', 'IPv4'), entry('169.254.3.4', 'IPv4')],
};

describe('lanAddresses', () => {
  it('lists the IPv4 addresses other devices can reach: no loopback, link-local or IPv6', () => {
    expect(lanAddresses(interfaces)).toEqual(['192.168.1.20', '10.0.0.7']);
  });
});

describe('lanHints', () => {
  it('on a wildcard bind, prints the LAN URLs and the ALLOWED_ORIGINS that lets them in', () => {
    expect(lanHints('0.0.0.0', 5173, [], interfaces)).toEqual([
      'On your network: http://192.168.1.20:5173  http://10.0.0.7:5173',
      "Other devices' browsers are refused until you allow their origin, e.g. restart with\n  ALLOWED_ORIGINS=http://192.168.1.20:5173,http://10.0.0.7:5173",
    ]);
  });

  it('keeps the origins already allowed and says when every LAN origin is in', () => {
    const lines = lanHints('::', 80, ['https://app.example', 'http://10.0.0.7:80'], interfaces);
    expect(lines[1]).toContain(
      'ALLOWED_ORIGINS=https://app.example,http://10.0.0.7:80,http://192.168.1.20:80',
    );
    expect(lanHints('0.0.0.0', 80, ['http://192.168.1.20:80', 'http://10.0.0.7:80'], interfaces)[1]).toBe(
      'Browsers on other devices may connect (their origins are in ALLOWED_ORIGINS).',
    );
  });

  it('says nothing for loopback or a concrete address (its own origin is allowed already)', () => {
    expect(lanHints('127.0.0.1', 5173, [], interfaces)).toEqual([]);
    expect(lanHints('192.168.1.20', 5173, [], interfaces)).toEqual([]);
  });
});
