import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { logLevels, type SignalingServerInput } from './options';
import { defaultResumeTokenTtlSeconds } from './resume-token';

/** The built web app, relative to this file: `apps/web/dist` in this repository. */
export const defaultStaticDir = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * What to serve without `--static-dir`: the dashboard when it is built next to the server (in this
 * repository), else nothing (an installed `conclave-signaling` has no dashboard beside it).
 */
export function builtDefaultStaticDir(exists: (path: string) => boolean = existsSync): string | undefined {
  return exists(join(defaultStaticDir, 'index.html')) ? defaultStaticDir : undefined;
}

/**
 * Flags of the CLI; each has an environment variable of the upper-snake name. The keys (`SIGNALING_KEY`,
 * `SIGNALING_PREVIOUS_KEYS`) are env-only, so they never show in a process list.
 */
const flags = {
  port: { type: 'string' },
  host: { type: 'string' },
  'allowed-origins': { type: 'string' },
  'room-capacity': { type: 'string' },
  'redis-url': { type: 'string' },
  'max-peers': { type: 'string' },
  'room-join-rate': { type: 'string' },
  'room-join-burst': { type: 'string' },
  'max-connections-per-address': { type: 'string' },
  'trusted-proxy-header': { type: 'string' },
  'static-dir': { type: 'string' },
  'resume-token-ttl': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const integer = (min: number, max: number) =>
  z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));
const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
/** Blank text counts as unset, so the schema's default applies. */
const unlessBlank = <S extends z.core.$ZodType>(schema: S) => z.pipe(z.transform(blankToUndefined), schema);

const commaList = z.pipe(
  z.string(),
  z.transform((list) =>
    list
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

/** Settings as text (environment or flags), validated and converted to server options. */
const cliConfigSchema = z.strictObject({
  PORT: unlessBlank(z._default(integer(0, 65535), 5173)),
  HOST: unlessBlank(z._default(z.string().check(z.minLength(1)), '127.0.0.1')),
  ALLOWED_ORIGINS: unlessBlank(z._default(commaList, [])),
  ROOM_CAPACITY: unlessBlank(z._default(integer(1, 10_000), 64)),
  REDIS_URL: unlessBlank(z.optional(z.string().check(z.url()))),
  SIGNALING_KEY: unlessBlank(z.optional(z.string().check(z.minLength(16, 'needs at least 16 characters')))),
  SIGNALING_PREVIOUS_KEYS: unlessBlank(z._default(commaList, [])),
  RESUME_TOKEN_TTL: unlessBlank(z._default(integer(60, 365 * 24 * 60 * 60), defaultResumeTokenTtlSeconds)),
  MAX_PEERS: unlessBlank(z._default(integer(1, 1_000_000), 10_000)),
  ROOM_JOIN_RATE: unlessBlank(z._default(integer(1, 10_000), 2)),
  ROOM_JOIN_BURST: unlessBlank(z._default(integer(0, 100_000), 64)),
  MAX_CONNECTIONS_PER_ADDRESS: unlessBlank(z._default(integer(1, 1_000_000), 256)),
  TRUSTED_PROXY_HEADER: unlessBlank(
    z.optional(
      z.pipe(
        z.pipe(
          z.string(),
          z.transform((name) => name.trim().toLowerCase()),
        ),
        z.string().check(z.regex(/^[a-z0-9-]+$/, 'a header name such as x-forwarded-for')),
      ),
    ),
  ),
  STATIC_DIR: unlessBlank(z.optional(z.string())),
  LOG_LEVEL: unlessBlank(z._default(z.enum(logLevels), 'info')),
});

export const usage = `Usage: conclave-signaling [flags]        (in this repository: npm start -- [flags])

Flags (each also read from the environment variable in brackets; flags win):
  --port N              [PORT]             TCP port (0 = any free port)          default 5173
  --host ADDR           [HOST]             interface to bind                     default 127.0.0.1
  --allowed-origins L   [ALLOWED_ORIGINS]  comma-separated browser origins       default: own + loopback
  --room-capacity N     [ROOM_CAPACITY]    most peers in a room                  default 64
  --redis-url URL       [REDIS_URL]        share rooms with other servers        default: none
  --max-peers N         [MAX_PEERS]        most joined peers on this server      default 10000
  --room-join-rate N    [ROOM_JOIN_RATE]   joins/s a room sustains (+ burst)     default 2
  --room-join-burst N   [ROOM_JOIN_BURST]  extra joins per room per minute       default 64
  --max-connections-per-address N
                        [MAX_CONNECTIONS_PER_ADDRESS]  open connections per client address   default 256
  --trusted-proxy-header NAME
                        [TRUSTED_PROXY_HEADER]  client address from this proxy header's right-most
                                           entry (e.g. x-forwarded-for)          default: none (ignored)
  --static-dir DIR      [STATIC_DIR]       built web app to serve                default: the built
                                           dashboard in this repository (apps/web/dist); none when
                                           installed (then only Socket.IO, /healthz and /metrics)
  --log-level LEVEL     [LOG_LEVEL]        ${logLevels.join('|')}   default info
  --resume-token-ttl S  [RESUME_TOKEN_TTL] seconds a resume token stays valid     default 604800 (a week)
                        [SIGNALING_KEY]    resume-token HMAC key (env only)      default: random per process
                        [SIGNALING_PREVIOUS_KEYS]  old keys that still verify tokens, comma-separated
                                           (env only; for rotating the key)      default: none
  --help, -h                               print this help
  --version                                print the version
`;

export type CliConfig = { help: true } | { help: false; options: SignalingServerInput };

/** Reads flags over environment variables; throws an Error listing every invalid setting. */
export function readCliConfig(argv: readonly string[], env: NodeJS.ProcessEnv): CliConfig {
  const { values } = parseArgs({ args: [...argv], options: flags, strict: true, allowPositionals: false });
  if (values.help) return { help: true };
  const text: Record<string, string | undefined> = {};
  for (const name of Object.keys(cliConfigSchema.shape)) text[name] = env[name];
  for (const [flag, value] of Object.entries(values)) {
    if (typeof value === 'string') text[flag.toUpperCase().replaceAll('-', '_')] = value;
  }
  const parsed = cliConfigSchema.safeParse(text);
  if (!parsed.success) throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  return {
    help: false,
    options: {
      port: config.PORT,
      host: config.HOST,
      allowedOrigins: config.ALLOWED_ORIGINS,
      roomCapacity: config.ROOM_CAPACITY,
      redisUrl: config.REDIS_URL,
      key: config.SIGNALING_KEY,
      previousKeys: config.SIGNALING_PREVIOUS_KEYS,
      resumeTokenTtlSeconds: config.RESUME_TOKEN_TTL,
      maxPeers: config.MAX_PEERS,
      roomJoinLimit: { joinsPerSecond: config.ROOM_JOIN_RATE, burst: config.ROOM_JOIN_BURST },
      maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
      trustedProxyHeader: config.TRUSTED_PROXY_HEADER,
      staticDir: config.STATIC_DIR ?? builtDefaultStaticDir(),
      logLevel: config.LOG_LEVEL,
    },
  };
}
