import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { limits, type PeerId, peerIdPattern } from '@conclave/protocol';
import { Server } from 'socket.io';
import { AddressCap } from './address-cap';
import { clientAddress } from './client-address';
import { Dispatcher } from './dispatcher';
import { ConnectionTracker, closeGracefully } from './graceful-shutdown';
import { type Health, httpRoutes } from './http-routes';
import { createLogger } from './logger';
import { SignalingMetrics } from './metrics';
import { resolveOptions, type SignalingServerInput, type SignalingServerOptions } from './options';
import { OriginPolicy, ownOrigins } from './origin-policy';
import { EventRateLimiter } from './rate-limit';
import { connectRedisCluster, type RedisCluster, redact } from './redis-cluster';
import { ResumeTokens } from './resume-token';
import { RoomDirectory } from './room-directory';
import { LocalRoomLock } from './room-lock';
import { RoomService } from './room-service';
import type { SignalingIo, SignalingSocket } from './types';

/** A running signaling server. */
export interface SignalingServer {
  /** `http://host:port` — the Socket.IO endpoint, `/healthz`, `/metrics` and the web app. */
  readonly url: string;
  readonly port: number;
  /** The typed Socket.IO server (for tests and embedding). */
  readonly io: SignalingIo;
  /** The validated options it runs with. */
  readonly options: SignalingServerOptions;
  /**
   * Graceful shutdown: tells every client `shutdown`, disconnects them, stops listening; connections
   * still open after `shutdownTimeoutMs` are destroyed. Idempotent.
   */
  close(): Promise<void>;
}

/** Seams for tests only; a deployment never sets them. */
export interface SignalingTestHooks {
  /**
   * Where new peer ids come from (default: 128 random bits). Tests use it to give newcomers ids lower than
   * the sitting leader's. Every id it returns is checked against the protocol's pattern.
   */
  newPeerId?: () => PeerId;
}

/**
 * Starts a signaling server: Socket.IO with the Conclave protocol, `/healthz`, `/metrics` and the static
 * web app on one HTTP port. With `redisUrl`, rooms span every server sharing that Redis.
 */
export async function startSignalingServer(
  input: SignalingServerInput = {},
  testHooks: SignalingTestHooks = {},
): Promise<SignalingServer> {
  const options = resolveOptions(input);
  const log = createLogger(options.logLevel);
  const startedAt = Date.now();
  const cluster: RedisCluster | undefined = options.redisUrl
    ? await connectRedisCluster(options.redisUrl, log, options.clusterRequestTimeoutMs)
    : undefined;

  let closing: Promise<void> | undefined;
  let boundPort = options.port;
  const maxConnections = options.maxConnections ?? 2 * options.maxPeers;
  const origins = new OriginPolicy(options.allowedOrigins, () => ownOrigins(options.host, boundPort));
  const addressCap = new AddressCap(options.maxConnectionsPerAddress);
  /** Each handshake's client address, worked out once in `allowRequest`. */
  const addresses = new WeakMap<IncomingMessage, string>();

  // Routes go on before Socket.IO attaches: it wraps the request listeners present at that moment so
  // that they never see `/socket.io/` requests.
  const http: HttpServer = createServer();
  const connections = new ConnectionTracker(http);
  const metrics = new SignalingMetrics({
    connections: () => io.engine.clientsCount,
    peers: () => directory.localPeers,
    rooms: () => directory.localRooms,
  });
  const health = (): Health => {
    const redis = cluster ? cluster.status() : 'disabled';
    return {
      // Without its Redis a clustered server cannot admit anyone: let load balancers route around it.
      status: closing ? 'shutting-down' : redis === 'down' ? 'degraded' : 'ok',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      connections: io.engine.clientsCount,
      peers: directory.localPeers,
      rooms: directory.localRooms,
      redis,
    };
  };
  http.on('request', httpRoutes({ health, registry: metrics.registry, staticDir: options.staticDir, log }));

  const io: SignalingIo = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: limits.maxHttpBufferSize,
    cors: options.allowedOrigins.length > 0 ? { origin: options.allowedOrigins } : undefined,
    allowRequest: (req, callback) => {
      if (closing) return callback('shutting down', false);
      if (!origins.allows(req.headers.origin)) {
        log.info({ origin: req.headers.origin }, 'origin refused');
        return callback('origin not allowed', false);
      }
      if (io.engine.clientsCount >= maxConnections) return callback('server full', false);
      const address = clientAddress(req, options.trustedProxyHeader);
      if (!addressCap.allows(address)) {
        metrics.limited('address-connections');
        return callback('too many connections from this address', false);
      }
      addresses.set(req, address);
      callback(null, true);
    },
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });

  const directory = new RoomDirectory(io, cluster !== undefined, options.clusterRequestTimeoutMs);
  const tokens = new ResumeTokens({
    key: options.key ?? randomBytes(32),
    previousKeys: options.previousKeys,
    ttlSeconds: options.resumeTokenTtlSeconds,
  });
  const rooms = new RoomService(
    io,
    directory,
    cluster?.lock ?? new LocalRoomLock(),
    tokens,
    metrics,
    {
      roomCapacity: options.roomCapacity,
      maxPeers: options.maxPeers,
      roomJoins: new EventRateLimiter(
        {
          eventsPerSecond: options.roomJoinLimit.joinsPerSecond,
          burst: options.roomJoinLimit.burst,
          burstWindowSeconds: options.roomJoinLimit.burstWindowSeconds,
        },
        cluster && { redis: cluster.redis, prefix: 'conclave:room-joins:' },
      ),
    },
    log,
    testHooks.newPeerId && checkedIds(testHooks.newPeerId),
  );
  const limiter = new EventRateLimiter(options.rateLimit);
  const dispatcher = new Dispatcher(rooms, limiter, metrics, log);

  // Socket.IO keeps each connection's first HTTP request (headers, parser, socket references) for the
  // connection's lifetime; nothing here needs it after the handshake (Socket.IO's memory-usage advice).
  io.engine.on('connection', (rawSocket: RawSocket) => {
    const address = rawSocket.request ? addresses.get(rawSocket.request) : undefined;
    rawSocket.request = null;
    if (address === undefined) return;
    addressCap.open(address);
    rawSocket.once('close', () => addressCap.close(address));
  });
  io.on('takeover', (room, id, ack) => ack(directory.evictLocal(room, id)));
  // One pair of listeners shared by every socket (Socket.IO calls them with `this` = the socket): no
  // closures per connection.
  function onEvent(this: SignalingSocket, event: unknown, ...args: unknown[]): void {
    void dispatcher.dispatch(this, event, args);
  }
  function onDisconnect(this: SignalingSocket): void {
    rooms.disconnected(this);
    limiter.forget(this.id);
  }
  io.on('connection', (socket) => {
    socket.onAny(onEvent);
    socket.on('disconnect', onDisconnect);
  });

  try {
    await listen(http, options.port, options.host);
  } catch (error) {
    await cluster?.close();
    throw error;
  }
  boundPort = (http.address() as AddressInfo).port;
  const hostname = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostname}:${boundPort}`;
  log.info(
    { url, redis: options.redisUrl ? redact(options.redisUrl) : undefined },
    'signaling server listening',
  );

  const shutdown = async (): Promise<void> => {
    log.info('shutting down');
    rooms.shuttingDown();
    await closeGracefully({
      io,
      connections,
      timeoutMs: options.shutdownTimeoutMs,
      reconnectAfterMs: options.reconnectAfterMs,
      log,
      // The adapter unsubscribes on close; with Redis unreachable that would wait for it forever.
      onDeadline: () => cluster?.destroy(),
    });
    await cluster?.close();
    log.info('shut down');
  };

  return {
    url,
    port: boundPort,
    io,
    options,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** The parts of an engine.io connection used here. */
interface RawSocket {
  request: IncomingMessage | null;
  once(event: 'close', listener: () => void): void;
}

function listen(http: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

function checkedIds(source: () => PeerId): () => PeerId {
  return () => {
    const id = source();
    if (!peerIdPattern.test(id)) throw new Error(`test id source gave ${JSON.stringify(id)}, not a peer id`);
    return id;
  };
}
