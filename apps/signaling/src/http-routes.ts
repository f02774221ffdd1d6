import { existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import sirv from 'sirv';

/** What `/healthz` reports. */
export interface Health {
  /** `degraded`: clustered, but Redis is unreachable. Anything but `ok` answers 503. */
  status: 'ok' | 'degraded' | 'shutting-down';
  uptimeSeconds: number;
  connections: number;
  peers: number;
  rooms: number;
  redis: 'disabled' | 'ready' | 'down';
}

export interface HttpRoutesOptions {
  health(): Health;
  registry: Registry;
  staticDir: string | undefined;
  log: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Plain HTTP next to Socket.IO (which answers `/socket.io/` itself): `/healthz`, `/metrics`, and the
 * built web app with a single-page fallback to `index.html`.
 */
export function httpRoutes({ health, registry, staticDir, log }: HttpRoutesOptions): Handler {
  const serveStatic = staticHandler(staticDir, log);
  return (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const body = health();
      sendJson(res, body.status === 'ok' ? 200 : 503, body);
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (error: unknown) => {
          log.error({ err: error }, 'metrics failed');
          res.writeHead(500).end();
        },
      );
    } else {
      serveStatic(req, res);
    }
  };
}

function staticHandler(dir: string | undefined, log: Logger): Handler {
  if (dir === undefined || !existsSync(dir) || !statSync(dir).isDirectory()) {
    if (dir !== undefined) log.warn({ dir }, 'static directory missing: build the web app (npm run build)');
    return (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    };
  }
  const serve = sirv(dir, {
    single: true,
    etag: true,
    setHeaders(res) {
      res.setHeader('Referrer-Policy', 'no-referrer');
    },
  });
  return (req, res) =>
    serve(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
