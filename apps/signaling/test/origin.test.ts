import { describe, expect, it } from 'vitest';
import { isLoopbackOrigin, OriginPolicy, ownOrigins } from '../src/origin-policy';
import { connectClient, startServer } from './support/server';

const transports = [['websocket'], ['polling']] as const;

describe.each(transports)('origin allow-list over %s', (transport) => {
  const as = (origin: string) => ({ transports: [transport], extraHeaders: { origin } });

  it('admits listed origins and refuses others at the handshake', async () => {
    const server = await startServer({ allowedOrigins: ['https://app.example'] });
    await expect(connectClient(server.url, as('https://app.example'))).resolves.toBeDefined();
    await expect(connectClient(server.url, as('https://evil.example'))).rejects.toThrow();
    // A listed origin does not make loopback origins acceptable.
    await expect(connectClient(server.url, as('http://localhost:5173'))).rejects.toThrow();
  });

  it('with an empty list admits loopback and the own origin, refuses foreign ones', async () => {
    const server = await startServer();
    await expect(connectClient(server.url, as('http://localhost:3000'))).resolves.toBeDefined();
    await expect(connectClient(server.url, as(server.url))).resolves.toBeDefined();
    await expect(connectClient(server.url, as('http://192.168.1.20:5173'))).rejects.toThrow();
    await expect(connectClient(server.url, as('null'))).rejects.toThrow();
  });

  it('admits requests without an Origin header (non-browser clients)', async () => {
    const server = await startServer({ allowedOrigins: ['https://app.example'] });
    await expect(connectClient(server.url, { transports: [transport] })).resolves.toBeDefined();
  });
});

describe('OriginPolicy', () => {
  it('treats only exact loopback origins as loopback', () => {
    expect(isLoopbackOrigin('http://localhost:5173')).toBe(true);
    expect(isLoopbackOrigin('http://127.0.0.1')).toBe(true);
    expect(isLoopbackOrigin('https://[::1]:8443')).toBe(true);
    expect(isLoopbackOrigin('http://localhost.evil.example')).toBe(false);
    expect(isLoopbackOrigin('http://127.0.0.1.nip.io')).toBe(false);
    expect(isLoopbackOrigin('http://localhost:5173/path')).toBe(false);
    expect(isLoopbackOrigin('file://localhost')).toBe(false);
    expect(isLoopbackOrigin('null')).toBe(false);
  });

  it('knows no own origin for a wildcard bind (the allow-list is needed there)', () => {
    expect(ownOrigins('0.0.0.0', 80)).toEqual([]);
    expect(ownOrigins('::', 80)).toEqual([]);
    expect(ownOrigins('10.0.0.5', 80)).toEqual(['http://10.0.0.5:80', 'https://10.0.0.5:80']);
    expect(ownOrigins('::1', 81)).toEqual(['http://[::1]:81', 'https://[::1]:81']);
    const policy = new OriginPolicy([], () => ownOrigins('10.0.0.5', 80));
    expect(policy.allows('http://10.0.0.5:80')).toBe(true);
    expect(policy.allows('http://10.0.0.6:80')).toBe(false);
    expect(policy.allows(undefined)).toBe(true);
  });
});
