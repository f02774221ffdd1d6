import type { PeerId } from '@conclave/election';
import {
  ackSchema,
  backoffDelay,
  type ClientToServerEvents,
  type JoinRequest,
  joinResultSchema,
  Listeners,
  peerEventSchema,
  type ServerToClientEvents,
  type SignalingErrorCode,
  shutdownEventSchema,
  signalRelaySchema,
} from '@conclave/protocol';
import { io, type Socket } from 'socket.io-client';
import { JoinRoomError } from './errors';
import { joinRetryBackoff, maxShutdownDelayMs, signalPace } from './limits';
import type { LinkSignal } from './link-signal';
import { Pacer } from './pacer';
import { type MemberEvent, RoomMembers } from './room-members';
import type { JoinedRoom, SignalingClientOptions, SignalingStats, SignalingStatus } from './signaling-types';

/** Codes after which a rejoin is pointless: the room will not take this peer back under its id. */
const fatalOnRejoin = new Set<SignalingErrorCode>(['invalid-resume', 'forbidden', 'invalid-payload']);
/** Codes after which a first join is pointless. */
const fatalOnJoin = new Set<SignalingErrorCode>([
  'forbidden',
  'invalid-payload',
  'room-full',
  'invalid-resume',
]);

type ConclaveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The Socket.IO side of a room: joins, relays link signals, and keeps the room across connection loss.
 *
 * Socket.IO reconnects by itself with jittered exponential backoff; after every reconnect the client rejoins
 * the same room with the resume token of its latest join, so the server gives it the same id back and the mesh
 * (which never depended on signaling once links are open) carries on. When the server itself disconnects the
 * client (graceful shutdown), Socket.IO does not reconnect on its own: the client waits what the `shutdown`
 * notice asked (or the backoff) and reconnects. A rejoin the server refuses for good (`invalid-resume`: the
 * server's key changed, or the token outlived its TTL; `forbidden`) ends in status `closed` and {@link SignalingClient.onFatal}.
 */
export class SignalingClient {
  #status: SignalingStatus = 'connecting';
  readonly #socket: ConclaveSocket;
  readonly #options: SignalingClientOptions;
  readonly #ackTimeoutMs: number;
  #id: PeerId | undefined;
  #resume: string | undefined;
  #joined = false;
  #joining = false;
  #attempts = 0;
  #retryTimer: unknown;
  #shutdownDelayMs: number | undefined;
  readonly #members = new RoomMembers();
  #firstJoin: { resolve(room: JoinedRoom): void; reject(error: JoinRoomError): void } | undefined;
  readonly #stats = {
    rejoins: 0,
    joinFailures: 0,
    signalsSent: 0,
    signalsFailed: 0,
    invalidEvents: 0,
    serverErrors: 0,
  };

  readonly #pacer: Pacer<{ to: PeerId; data: LinkSignal }>;

  readonly onStatus = new Listeners<[status: SignalingStatus]>();
  readonly onPeerJoined = new Listeners<[peer: PeerId]>();
  readonly onPeerLeft = new Listeners<[peer: PeerId]>();
  readonly onSignal = new Listeners<[from: PeerId, data: Record<string, unknown>]>();
  /** Rejoined after a reconnect, with the peers now in the room. */
  readonly onRejoined = new Listeners<[peers: readonly PeerId[]]>();
  /** The room refused this peer for good; the status is now `closed`. */
  readonly onFatal = new Listeners<[error: JoinRoomError]>();

  constructor(options: SignalingClientOptions) {
    this.#options = options;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
    this.#pacer = new Pacer(options.clock, {
      ...signalPace,
      send: (item) => this.#emitSignal(item),
      drop: () => {
        this.#stats.signalsFailed++;
      },
    });
    this.#socket = io(options.url, {
      // WebSocket first, HTTP long-polling only if it fails: joining over polling takes several HTTP round
      // trips (handshake, connect, join, then the upgrade), which a tab pays at every page load.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: options.reconnectDelayMs ?? 250,
      reconnectionDelayMax: options.reconnectDelayMaxMs ?? 5_000,
      randomizationFactor: 0.5,
      ...options.socketOptions,
    }) as ConclaveSocket;
    const socket = this.#socket;
    socket.on('connect', () => void this.#join());
    socket.on('disconnect', (reason) => this.#disconnected(reason));
    socket.on('peer-joined', (event) => this.#peerEvent(event, 'joined'));
    socket.on('peer-left', (event) => this.#peerEvent(event, 'left'));
    socket.on('signal', (relay) => {
      const parsed = signalRelaySchema.safeParse(relay);
      if (!parsed.success) this.#stats.invalidEvents++;
      else if (this.#joined) this.onSignal.emit(parsed.data.from, parsed.data.data);
    });
    socket.on('shutdown', (event) => {
      const parsed = shutdownEventSchema.safeParse(event);
      this.#shutdownDelayMs = parsed.success ? Math.min(parsed.data.reconnectAfterMs, maxShutdownDelayMs) : 0;
    });
    socket.on('error', () => {
      this.#stats.serverErrors++;
    });
  }

  get status(): SignalingStatus {
    return this.#status;
  }

  /** This peer's id (from the first successful join). */
  get id(): PeerId | undefined {
    return this.#id;
  }

  /** The room's other members now, as signaling reported them (see {@link RoomMembers}). */
  members(): PeerId[] {
    return this.#members.list();
  }

  stats(): SignalingStats {
    return { ...this.#stats };
  }

  /**
   * Connects and joins the room. Resolves with the id and the peers already there; rejects with a
   * {@link JoinRoomError} when the server refuses (`forbidden`, `room-full`, ...) or nothing succeeds within
   * `timeoutMs` (the client is closed then). Call once.
   */
  join(timeoutMs: number): Promise<JoinedRoom> {
    return new Promise<JoinedRoom>((resolve, reject) => {
      const timer = this.#options.clock.setTimeout(() => {
        this.#failFirstJoin(
          new JoinRoomError('timeout', `could not join room "${this.#options.room}" within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#firstJoin = {
        resolve: (room) => {
          this.#options.clock.clearTimeout(timer);
          resolve(room);
        },
        reject: (error) => {
          this.#options.clock.clearTimeout(timer);
          reject(error);
        },
      };
      this.#socket.connect();
    });
  }

  /**
   * Relays a link signal (best effort: counted and dropped while signaling is down or when refused). Signals
   * are paced under the server's per-socket rate limit; the excess waits in a bounded queue.
   */
  signal(to: PeerId, data: LinkSignal): void {
    if (!this.#joined || !this.#socket.connected) {
      this.#stats.signalsFailed++;
      return;
    }
    this.#pacer.push({ to, data });
  }

  #emitSignal({ to, data }: { to: PeerId; data: LinkSignal }): void {
    if (!this.#joined || !this.#socket.connected) {
      this.#stats.signalsFailed++;
      return;
    }
    this.#stats.signalsSent++;
    this.#socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('signal', { to, data: data as unknown as Record<string, unknown> })
      .then(
        (result) => {
          const parsed = ackSchema.safeParse(result);
          if (!parsed.success || !parsed.data.ok) this.#stats.signalsFailed++;
        },
        () => {
          this.#stats.signalsFailed++;
        },
      );
  }

  /** Leaves the room (waits briefly for the server's ack) and disconnects for good. Idempotent. */
  async leave(): Promise<void> {
    if (this.#status === 'closed') return;
    const wasJoined = this.#joined && this.#socket.connected;
    this.#stop();
    if (wasJoined) {
      try {
        await this.#socket.timeout(Math.min(this.#ackTimeoutMs, 1_000)).emitWithAck('leave');
      } catch {
        // the disconnect below tells the server anyway
      }
    }
    this.#socket.disconnect();
  }

  /** Disconnects at once, without a `leave` (the server notices the disconnect). Idempotent. */
  close(): void {
    if (this.#status === 'closed') return;
    this.#stop();
    this.#socket.disconnect();
  }

  /**
   * Disconnects for the back-forward cache, keeping the id and the resume token: {@link resume} rejoins as
   * this peer, as after any reconnect. No-op before the first join or once closed.
   */
  suspend(): void {
    if (this.#status === 'closed' || this.#id === undefined) return;
    this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#socket.disconnect(); // Socket.IO does not reconnect after a disconnect asked by the client
  }

  /** Reconnects after {@link suspend}; the rejoin answer arrives as {@link onRejoined}. */
  resume(): void {
    if (this.#status === 'closed' || this.#id === undefined || this.#socket.connected) return;
    this.#socket.connect();
  }

  #stop(): void {
    this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#setStatus('closed');
    this.#pacer.clear();
    this.#failFirstJoin(new JoinRoomError('timeout', 'the client was closed before it joined'));
    this.#joined = false;
  }

  async #join(): Promise<void> {
    if (this.#joining || this.#joined || this.#status === 'closed') return;
    this.#joining = true;
    this.#members.joining();
    const request: JoinRequest = {
      room: this.#options.room,
      ...(this.#options.secret === undefined ? {} : { secret: this.#options.secret }),
      ...(this.#resume === undefined ? {} : { resume: this.#resume }),
    };
    let raw: unknown;
    try {
      raw = await this.#socket.timeout(this.#ackTimeoutMs).emitWithAck('join', request);
    } catch {
      raw = { ok: false, error: { code: 'internal', message: 'the join request timed out' } };
    } finally {
      this.#joining = false;
    }
    if (this.#isClosed()) return;
    const parsed = joinResultSchema.safeParse(raw);
    if (!parsed.success) {
      this.#joinFailed('invalid-response', 'the server answered the join with something unexpected');
      return;
    }
    const result = parsed.data;
    if (!result.ok) {
      this.#joinFailed(result.error.code, result.error.message);
      return;
    }
    if (this.#id !== undefined && result.id !== this.#id) {
      // A server that ignores resume tokens: this peer would appear under another id. Give up signaling.
      this.#fatal(new JoinRoomError('invalid-resume', 'the server gave this peer a different id on rejoin'));
      return;
    }
    this.#attempts = 0;
    this.#joined = true;
    this.#resume = result.resume;
    const held = this.#members.answered(result.id, result.peers);
    this.#setStatus('connected');
    if (this.#id === undefined) {
      this.#id = result.id;
      this.#firstJoin?.resolve({ id: result.id, peers: this.#members.list() });
      this.#firstJoin = undefined;
    } else {
      this.#stats.rejoins++;
      this.onRejoined.emit(this.#members.list());
    }
    for (const event of held) this.#reportMember(event);
  }

  /** A join failed: give up when the code says so; otherwise try again after a backoff while connected. */
  #joinFailed(code: SignalingErrorCode | 'invalid-response', message: string): void {
    this.#stats.joinFailures++;
    const first = this.#id === undefined;
    const fatal = code !== 'invalid-response' && (first ? fatalOnJoin : fatalOnRejoin).has(code);
    if (fatal) {
      const error = new JoinRoomError(code, message);
      if (first) {
        this.#failFirstJoin(error);
        this.close();
      } else {
        this.#fatal(error);
      }
      return;
    }
    this.#attempts++;
    const delay = backoffDelay(this.#attempts, joinRetryBackoff);
    this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = this.#options.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#socket.connected) void this.#join();
    }, delay);
  }

  #fatal(error: JoinRoomError): void {
    this.close();
    this.onFatal.emit(error);
  }

  #failFirstJoin(error: JoinRoomError): void {
    const pending = this.#firstJoin;
    if (!pending) return;
    this.#firstJoin = undefined;
    pending.reject(error);
    if (this.#status !== 'closed') this.close();
  }

  #disconnected(reason: Socket.DisconnectReason): void {
    this.#joined = false;
    this.#pacer.clear(); // signals of the old connection are stale: links retry
    if (this.#status === 'closed') return;
    if (this.#id !== undefined) this.#setStatus('reconnecting');
    if (reason === 'io server disconnect') {
      // The server closed this connection (graceful shutdown): Socket.IO leaves reconnecting to us.
      const delay = this.#shutdownDelayMs ?? 1_000 * (0.5 + Math.random());
      this.#shutdownDelayMs = undefined;
      this.#options.clock.clearTimeout(this.#retryTimer);
      this.#retryTimer = this.#options.clock.setTimeout(() => {
        this.#retryTimer = undefined;
        if (this.#status !== 'closed' && !this.#socket.connected) this.#socket.connect();
      }, delay);
    }
  }

  #peerEvent(event: unknown, kind: 'joined' | 'left'): void {
    const parsed = peerEventSchema.safeParse(event);
    if (!parsed.success) {
      this.#stats.invalidEvents++;
      return;
    }
    const member: MemberEvent = { kind, id: parsed.data.id };
    if (this.#members.event(this.#id, member, this.#joined)) this.#reportMember(member);
  }

  #reportMember({ kind, id }: MemberEvent): void {
    if (kind === 'left') this.onPeerLeft.emit(id);
    else this.onPeerJoined.emit(id);
  }

  /** Read through a method: TypeScript would narrow the field across an await. */
  #isClosed(): boolean {
    return this.#status === 'closed';
  }

  #setStatus(status: SignalingStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.onStatus.emit(status);
  }
}
