import {
  type Ack,
  type ClientToServerEvents,
  joinRequestSchema,
  type SignalingErrorBody,
  type SignalingErrorCode,
  signalRequestSchema,
} from '@conclave/protocol';
import type { Logger } from 'pino';
import * as z from 'zod/mini';
import { failure, RequestRejected } from './failure';
import type { SignalingMetrics } from './metrics';
import type { EventRateLimiter } from './rate-limit';
import type { RoomService } from './room-service';
import type { SignalingSocket } from './types';

type Reply = (result: Ack) => void;

/** Validates an event's arguments (those before the acknowledgement) and runs its handler. */
type Route = (socket: SignalingSocket, args: unknown[]) => Promise<Ack> | Ack;

/** Longest error message sent back: zod messages can quote client-chosen keys. */
const maxMessageLength = 300;

/**
 * Every client event passes here, in order: rate limit, known event, acknowledgement present, arguments
 * valid (zod), then the handler. Anything that fails gets a typed error — through the acknowledgement
 * when there is one, else as an `error` event — and changes nothing.
 */
export class Dispatcher {
  /** One route per client event: the compiler rejects a missing, extra or misspelt event. */
  readonly #routes: Readonly<Record<keyof ClientToServerEvents, Route>>;
  /** When each socket was last sent a `rate-limited` error event, so a flood does not get an echo. */
  readonly #lastRateNotice = new WeakMap<SignalingSocket, number>();

  constructor(
    private readonly rooms: RoomService,
    private readonly limiter: EventRateLimiter,
    private readonly metrics: SignalingMetrics,
    private readonly log: Logger,
  ) {
    this.#routes = {
      join: route(z.tuple([joinRequestSchema]), (socket, [request]) => this.rooms.join(socket, request)),
      signal: route(z.tuple([signalRequestSchema]), (socket, [request]) =>
        this.rooms.signal(socket, request),
      ),
      leave: route(z.tuple([]), (socket) => this.rooms.leave(socket)),
    };
  }

  /** Handles one incoming event (`socket.onAny`); `args` ends with the ack callback when the client sent one. */
  async dispatch(socket: SignalingSocket, event: unknown, args: unknown[]): Promise<void> {
    const reply = typeof args.at(-1) === 'function' ? (args.pop() as Reply) : undefined;
    const reject = (code: SignalingErrorCode, message: string) => this.#reject(socket, reply, code, message);
    if (!(await this.limiter.take(socket.id))) return reject('rate-limited', 'too many events; slow down');
    const route = isClientEvent(event, this.#routes) ? this.#routes[event] : undefined;
    if (!route) return reject('unknown-event', `unknown event ${describe(event)}`);
    if (!reply) return reject('missing-ack', `"${String(event)}" needs an acknowledgement callback`);
    try {
      reply(await route(socket, args));
    } catch (error) {
      if (error instanceof RequestRejected) return reject(error.code, error.message);
      this.log.error({ err: error, event, socket: socket.id }, 'request failed');
      return reject('internal', 'internal error; see the server log');
    }
  }

  #reject(
    socket: SignalingSocket,
    reply: Reply | undefined,
    code: SignalingErrorCode,
    message: string,
  ): void {
    this.metrics.rejected(code);
    const body: SignalingErrorBody = { code, message: truncate(message) };
    if (reply) {
      reply(failure(code, body.message));
    } else if (code !== 'rate-limited' || this.#mayNotifyRateLimit(socket)) {
      socket.emit('error', body);
    }
  }

  /** At most one `rate-limited` error event per socket per second. */
  #mayNotifyRateLimit(socket: SignalingSocket): boolean {
    const now = Date.now();
    if (now - (this.#lastRateNotice.get(socket) ?? 0) < 1_000) return false;
    this.#lastRateNotice.set(socket, now);
    return true;
  }
}

function route<Args extends readonly unknown[]>(
  schema: z.ZodMiniType<Args>,
  run: (socket: SignalingSocket, args: Args) => Promise<Ack> | Ack,
): Route {
  return (socket, args) => {
    const parsed = schema.safeParse(args);
    if (!parsed.success) throw new RequestRejected('invalid-payload', summarize(parsed.error));
    return run(socket, parsed.data);
  };
}

/** An own key of the table only: `toString` or `__proto__` are unknown events, not routes. */
function isClientEvent(
  event: unknown,
  routes: Readonly<Record<keyof ClientToServerEvents, Route>>,
): event is keyof ClientToServerEvents {
  return typeof event === 'string' && Object.hasOwn(routes, event);
}

function describe(event: unknown): string {
  return typeof event === 'string' ? JSON.stringify(truncate(event, 64)) : `of type ${typeof event}`;
}

function summarize(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      // Paths start with the argument index; the payload is argument 0.
      const path = issue.path[0] === 0 ? issue.path.slice(1) : issue.path;
      return `${path.length > 0 ? `${path.join('.')}: ` : ''}${issue.message}`;
    })
    .join('; ');
}

function truncate(text: string, max = maxMessageLength): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
