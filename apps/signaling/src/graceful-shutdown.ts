import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { SignalingIo } from './types';

/** Every TCP connection of an HTTP server, upgraded (WebSocket) ones included. */
export class ConnectionTracker {
  readonly #open = new Set<Socket>();

  constructor(http: HttpServer) {
    http.on('connection', (connection: Socket) => {
      this.#open.add(connection);
      connection.once('close', () => this.#open.delete(connection));
    });
  }

  get size(): number {
    return this.#open.size;
  }

  destroyAll(): void {
    for (const connection of this.#open) connection.destroy();
  }
}

export interface ShutdownOptions {
  io: SignalingIo;
  connections: ConnectionTracker;
  timeoutMs: number;
  /** Clients are told to reconnect after this long, jittered up to twice as long to spread the herd. */
  reconnectAfterMs: number;
  log: Logger;
  /** Called at the deadline, before connections are destroyed: abort whatever else could hold the close up. */
  onDeadline?: () => void;
}

/**
 * Tells every client `shutdown`, closes each connection gracefully (Engine.IO flushes what is queued
 * first; `io.close()` alone would discard the queue, `shutdown` included), then closes the server. At
 * `timeoutMs`, whatever is still open is destroyed, so this always finishes in about that time.
 */
export async function closeGracefully({
  io,
  connections,
  timeoutMs,
  reconnectAfterMs,
  log,
  onDeadline,
}: ShutdownOptions): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const drained = [...io.of('/').sockets.values()].map((socket) => {
    const closed = new Promise<void>((resolve) => {
      if (socket.conn.readyState === 'closed') resolve();
      else socket.conn.once('close', () => resolve());
    });
    socket.emit('shutdown', { reconnectAfterMs: Math.round(reconnectAfterMs * (1 + Math.random())) });
    socket.disconnect(true);
    return closed;
  });
  let ioClosed: Promise<void> | undefined;
  const closeIo = () => {
    ioClosed ??= io.close();
    return ioClosed;
  };
  const finished = Promise.all(drained).then(closeIo);
  if ((await Promise.race([finished.then(() => 'closed' as const), deadline])) === 'timeout') {
    log.warn(
      { connections: connections.size },
      'connections still open at the shutdown deadline: destroying them',
    );
    onDeadline?.();
    connections.destroyAll();
    await closeIo();
  }
  clearTimeout(timer);
}
