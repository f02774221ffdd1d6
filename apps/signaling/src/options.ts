import * as z from 'zod/mini';
import { defaultResumeTokenTtlSeconds } from './resume-token';

/** pino levels, plus `silent`. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

const originSchema = z
  .pipe(
    z.string().check(z.url()),
    z.transform((value: string) => new URL(value).origin),
  )
  .check(z.refine((origin) => origin !== 'null', 'an origin is scheme://host[:port]'));

/** Every setting of {@link startSignalingServer}, validated; defaults are the documented ones. */
export const signalingServerOptionsSchema = z.strictObject({
  /** TCP port; 0 picks a free one. */
  port: z._default(z.int().check(z.minimum(0), z.maximum(65535)), 0),
  /** Interface to bind. The default keeps the server off the network. */
  host: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  /**
   * Origins a browser may connect from (`scheme://host[:port]`). Empty: the server's own origin
   * (`http://<host>:<port>`, when `host` is a concrete address) and loopback origins (localhost,
   * 127.0.0.1, [::1], any port). Requests without an `Origin` header (non-browser clients) are allowed.
   */
  allowedOrigins: z._default(z.array(originSchema), []),
  /** Most peers in one room. */
  roomCapacity: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 64),
  /** Most joined peers on this server (`server-full` beyond). */
  maxPeers: z._default(z.int().check(z.minimum(1)), 10_000),
  /** Most open connections on this server, joined or not; refused at the handshake beyond. */
  maxConnections: z.optional(z.int().check(z.minimum(1))),
  /** Redis URL: when set, rooms span every server sharing this Redis (sharded pub/sub adapter). */
  redisUrl: z.optional(z.string().check(z.url())),
  /** Directory of the built web app served on `/` (single-page fallback to `index.html`). */
  staticDir: z.optional(z.string().check(z.minLength(1))),
  /**
   * HMAC key for resume tokens. Default: random per process, so ids do not survive a restart; set it
   * (and share it between servers on one Redis) to keep ids across restarts and servers.
   */
  key: z.optional(z.string().check(z.minLength(16, 'the key needs at least 16 characters'))),
  /**
   * Old keys that still verify resume tokens but sign none: to rotate the key, set the new `key` and list
   * the old one here for one {@link resumeTokenTtlSeconds}; then drop it.
   */
  previousKeys: z._default(
    z
      .array(z.string().check(z.minLength(16, 'each previous key needs at least 16 characters')))
      .check(z.maxLength(4)),
    [],
  ),
  /** How long a resume token stays valid (seconds): at least a minute, at most a year; default a week. */
  resumeTokenTtlSeconds: z._default(
    z.int().check(z.minimum(60), z.maximum(365 * 24 * 60 * 60)),
    defaultResumeTokenTtlSeconds,
  ),
  logLevel: z._default(z.enum(logLevels), 'warn'),
  /** Per-socket event rate limit: a sustained rate and a burst allowance on top of it. */
  rateLimit: z._default(
    z.strictObject({
      /** Events per second a socket may sustain. */
      eventsPerSecond: z._default(z.int().check(z.minimum(1)), 50),
      /** Extra events a socket may spend in bursts; refills over {@link burstWindowSeconds}. */
      burst: z._default(z.int().check(z.minimum(0)), 100),
      burstWindowSeconds: z._default(z.int().check(z.minimum(1)), 10),
    }),
    { eventsPerSecond: 50, burst: 100, burstWindowSeconds: 10 },
  ),
  /**
   * Per-room join budget, shared by every server on one Redis: a sustained rate and a burst allowance on
   * top of it. Only joins that would be admitted (capacity and secret passed) spend it, so outsiders
   * cannot drain the budget of a room with a secret. The defaults let a full default room (64 tabs)
   * rejoin at once after a server restart and leave honest tab churn (people opening and closing tabs)
   * far below the rate: an honest room never notices. A join/leave storm in an open room gets about
   * 3 joins/s through once the burst is spent.
   */
  roomJoinLimit: z._default(
    z.strictObject({
      /** Joins per second a room may sustain. */
      joinsPerSecond: z._default(z.int().check(z.minimum(1)), 2),
      /** Extra joins a room may spend in bursts; refills over {@link burstWindowSeconds}. */
      burst: z._default(z.int().check(z.minimum(0)), 64),
      burstWindowSeconds: z._default(z.int().check(z.minimum(1)), 60),
    }),
    { joinsPerSecond: 2, burst: 64, burstWindowSeconds: 60 },
  ),
  /**
   * Most open connections from one client address (refused at the handshake beyond). The default is
   * above what one browser can open (Chromium allows 255 WebSockets in all), so only NATs shared by
   * many browsers, or a proxy without {@link trustedProxyHeader}, can reach it honestly.
   */
  maxConnectionsPerAddress: z._default(z.int().check(z.minimum(1)), 256),
  /**
   * Lower-case name of a header set by a reverse proxy in front of the server (e.g. `x-forwarded-for`):
   * the client address is its right-most entry, the one the proxy itself appended. Unset: headers are
   * ignored and the address is the TCP peer's. Set it only when clients cannot reach the server except
   * through that proxy, or they can claim any address.
   */
  trustedProxyHeader: z.optional(
    z.string().check(z.regex(/^[a-z0-9-]+$/, 'a lower-case header name such as x-forwarded-for')),
  ),
  /** Bound on `close()`: connections still open after this are destroyed. */
  shutdownTimeoutMs: z._default(z.int().check(z.minimum(0)), 5_000),
  /** Clients are told to reconnect after about this long on shutdown (jittered up to twice as long). */
  reconnectAfterMs: z._default(z.int().check(z.minimum(0)), 1_000),
  /** Timeout of requests to the other servers (membership queries, takeovers) when on Redis. */
  clusterRequestTimeoutMs: z._default(z.int().check(z.minimum(100)), 2_000),
});

export type SignalingServerOptions = z.output<typeof signalingServerOptionsSchema>;
export type SignalingServerInput = z.input<typeof signalingServerOptionsSchema>;

/** Validates options, filling in defaults; throws a readable error listing every bad setting. */
export function resolveOptions(input: SignalingServerInput = {}): SignalingServerOptions {
  const parsed = signalingServerOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid signaling server options:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
