import { describe, expect, it } from 'vitest';
import { builtDefaultStaticDir, defaultStaticDir, readCliConfig } from '../src/config';
import { resolveOptions } from '../src/options';

describe('readCliConfig', () => {
  it('has the documented defaults', () => {
    expect(readCliConfig([], {})).toEqual({
      help: false,
      options: {
        port: 5173,
        host: '127.0.0.1',
        allowedOrigins: [],
        roomCapacity: 64,
        redisUrl: undefined,
        key: undefined,
        previousKeys: [],
        resumeTokenTtlSeconds: 7 * 24 * 3600,
        maxPeers: 10_000,
        roomJoinLimit: { joinsPerSecond: 2, burst: 64 },
        maxConnectionsPerAddress: 256,
        trustedProxyHeader: undefined,
        staticDir: builtDefaultStaticDir(),
        logLevel: 'info',
      },
    });
    expect(defaultStaticDir).toMatch(/apps[/\\]web[/\\]dist$/);
  });

  it('serves the dashboard by default only when it is built beside the server (none when installed)', () => {
    expect(builtDefaultStaticDir((path) => path.endsWith('index.html'))).toBe(defaultStaticDir);
    expect(builtDefaultStaticDir(() => false)).toBeUndefined();
    expect(readCliConfig(['--static-dir', '/srv/app'], {})).toMatchObject({
      options: { staticDir: '/srv/app' },
    });
  });

  it('reads the environment; flags win over it; blank variables count as unset', () => {
    const env = {
      PORT: '8080',
      HOST: '0.0.0.0',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      ROOM_CAPACITY: '8',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SIGNALING_KEY: 'k'.repeat(32),
      SIGNALING_PREVIOUS_KEYS: `${'o'.repeat(16)}, ${'p'.repeat(16)}`,
      RESUME_TOKEN_TTL: '86400',
      MAX_PEERS: '',
      LOG_LEVEL: 'debug',
    };
    const config = readCliConfig(['--port', '9090', '--room-capacity', '16'], env);
    expect(config).toMatchObject({
      help: false,
      options: {
        port: 9090,
        host: '0.0.0.0',
        allowedOrigins: ['https://a.example', 'https://b.example'],
        roomCapacity: 16,
        redisUrl: 'redis://127.0.0.1:6379',
        key: 'k'.repeat(32),
        previousKeys: ['o'.repeat(16), 'p'.repeat(16)],
        resumeTokenTtlSeconds: 86_400,
        maxPeers: 10_000,
        logLevel: 'debug',
      },
    });
  });

  it('reads the abuse limits; the proxy header name is case-insensitive', () => {
    const config = readCliConfig(['--room-join-rate', '5', '--trusted-proxy-header', 'X-Forwarded-For'], {
      ROOM_JOIN_BURST: '10',
      MAX_CONNECTIONS_PER_ADDRESS: '3',
    });
    expect(config).toMatchObject({
      options: {
        roomJoinLimit: { joinsPerSecond: 5, burst: 10 },
        maxConnectionsPerAddress: 3,
        trustedProxyHeader: 'x-forwarded-for',
      },
    });
    expect(() => readCliConfig([], { TRUSTED_PROXY_HEADER: 'x forwarded' })).toThrow(/TRUSTED_PROXY_HEADER/);
    expect(() => readCliConfig([], { MAX_CONNECTIONS_PER_ADDRESS: '0' })).toThrow(
      /MAX_CONNECTIONS_PER_ADDRESS/,
    );
    expect(() => readCliConfig([], { ROOM_JOIN_RATE: '0' })).toThrow(/ROOM_JOIN_RATE/);
  });

  it('lists every invalid setting', () => {
    expect(() =>
      readCliConfig(['--port=-1'], { ROOM_CAPACITY: '0', LOG_LEVEL: 'loud', SIGNALING_KEY: 'short' }),
    ).toThrow(/PORT[\s\S]*ROOM_CAPACITY|ROOM_CAPACITY[\s\S]*PORT/);
    expect(() => readCliConfig([], { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => readCliConfig([], { SIGNALING_KEY: 'short' })).toThrow(/SIGNALING_KEY/);
    expect(() => readCliConfig(['--bogus'], {})).toThrow(/bogus/);
  });

  it('--help asks for the usage', () => {
    expect(readCliConfig(['--help'], {})).toEqual({ help: true });
  });
});

describe('resolveOptions', () => {
  it('normalizes origins and rejects bad ones', () => {
    expect(resolveOptions({ allowedOrigins: ['https://app.example/'] }).allowedOrigins).toEqual([
      'https://app.example',
    ]);
    expect(() => resolveOptions({ allowedOrigins: ['not a url'] })).toThrow(/allowedOrigins/);
    expect(() => resolveOptions({ roomCapacity: 0 })).toThrow(/roomCapacity/);
  });
});
