import type { Ack, JoinRequest, JoinResult, PeerId, SignalRequest } from '@conclave/protocol';
import type { Logger } from 'pino';
import { RequestRejected } from './failure';
import type { SignalingMetrics } from './metrics';
import { newPeerId as randomPeerId } from './peer-id';
import type { EventRateLimiter } from './rate-limit';
import type { ResumeTokens } from './resume-token';
import type { RoomDirectory } from './room-directory';
import { roomKey } from './room-keys';
import { type RoomLock, RoomLockUnavailable } from './room-lock';
import { hashSecret, type SecretHash, verifySecret } from './room-secret';
import type { PeerRecord, SignalingIo, SignalingSocket } from './types';

export interface RoomServiceLimits {
  roomCapacity: number;
  maxPeers: number;
  /** Each room's join budget, keyed by room name. */
  roomJoins: EventRateLimiter;
}

/**
 * The protocol's semantics, for requests that already passed validation: join (capacity, secret,
 * resume), signal relay within a room, leave, and what a disconnect means. Failures are thrown as
 * {@link RequestRejected}.
 */
export class RoomService {
  /** Sockets with a join in flight: a second join is `already-joined`, and they hold a peer slot. */
  readonly #joining = new WeakSet<SignalingSocket>();
  #joiningCount = 0;

  constructor(
    private readonly io: SignalingIo,
    private readonly directory: RoomDirectory,
    private readonly lock: RoomLock,
    private readonly tokens: ResumeTokens,
    private readonly metrics: SignalingMetrics,
    private readonly limits: RoomServiceLimits,
    private readonly log: Logger,
    private readonly newPeerId: () => PeerId = randomPeerId,
  ) {}

  async join(socket: SignalingSocket, request: JoinRequest): Promise<JoinResult> {
    if (socket.data.peer || this.#joining.has(socket)) {
      throw new RequestRejected('already-joined', 'this connection is already in a room; leave it first');
    }
    if (this.directory.localPeers + this.#joiningCount >= this.limits.maxPeers) {
      throw new RequestRejected('server-full', 'this server is at its peer limit; try another or later');
    }
    const { room } = request;
    let resumed: PeerId | undefined;
    if (request.resume !== undefined) {
      const verdict = this.tokens.verify(room, request.resume);
      if (!verdict.ok) {
        throw new RequestRejected(
          'invalid-resume',
          verdict.reason === 'expired'
            ? 'the resume token has expired'
            : 'the resume token is not valid for this room',
        );
      }
      resumed = verdict.id;
    }
    this.#joining.add(socket);
    this.#joiningCount++;
    try {
      return await this.lock.withLock(room, () => this.#admit(socket, request, resumed));
    } catch (error) {
      if (error instanceof RoomLockUnavailable) {
        this.log.warn({ room, err: error }, 'join refused: room lock unavailable');
        throw new RequestRejected('unavailable', 'the server cannot reach Redis right now; retry shortly');
      }
      throw error;
    } finally {
      this.#joining.delete(socket);
      this.#joiningCount--;
    }
  }

  /** Runs under the room lock: nobody else joins `room` meanwhile, on any server. */
  async #admit(
    socket: SignalingSocket,
    request: JoinRequest,
    resumed: PeerId | undefined,
  ): Promise<JoinResult> {
    const { room } = request;
    const members = await this.directory.members(room);
    const others = members.filter((peer) => peer.id !== resumed);
    if (others.length >= this.limits.roomCapacity) {
      throw new RequestRejected('room-full', `the room is full (${this.limits.roomCapacity} peers)`);
    }
    const secret = await this.#admitSecret(members, request.secret);
    // Charged only now, for a join that would get in: a refused outsider cannot drain a room's budget.
    if (!(await this.limits.roomJoins.take(room))) {
      this.metrics.limited('room-joins');
      throw new RequestRejected('rate-limited', 'too many joins to this room lately; try again shortly');
    }
    if (resumed !== undefined && others.length < members.length) {
      await this.directory.evict(room, resumed);
    }
    if (!socket.connected) {
      throw new RequestRejected('internal', 'the connection closed while joining');
    }
    const peer: PeerRecord = { id: resumed ?? this.newPeerId(), room, secret };
    this.directory.add(socket, peer);
    socket.to(roomKey(room)).emit('peer-joined', { id: peer.id });
    this.metrics.joins.inc();
    this.log.debug({ room, peer: peer.id, resumed: resumed !== undefined }, 'joined');
    return {
      ok: true,
      id: peer.id,
      peers: others.map((other) => other.id),
      resume: this.tokens.issue(room, peer.id),
    };
  }

  /**
   * The room's secret after this join: the first joiner of an empty room sets it (or leaves the room
   * open); later joiners must present it. A presented secret is ignored by an open room.
   */
  async #admitSecret(
    members: readonly PeerRecord[],
    presented: string | undefined,
  ): Promise<SecretHash | null> {
    const first = members[0];
    if (!first) return presented === undefined ? null : hashSecret(presented);
    if (first.secret === null) return null;
    if (presented === undefined) throw new RequestRejected('forbidden', 'this room requires a secret');
    if (!(await verifySecret(presented, first.secret))) {
      throw new RequestRejected('forbidden', 'wrong room secret');
    }
    return first.secret;
  }

  async signal(socket: SignalingSocket, { to, data }: SignalRequest): Promise<Ack> {
    const peer = socket.data.peer;
    if (!peer) throw new RequestRejected('not-joined', 'join a room before signaling');
    if (to === peer.id) throw new RequestRejected('unknown-peer', 'a peer cannot signal itself');
    if (!(await this.directory.relay(peer.room, to, { from: peer.id, data }))) {
      throw new RequestRejected('unknown-peer', 'no such peer in this room');
    }
    this.metrics.relayedSignals.inc();
    return { ok: true };
  }

  leave(socket: SignalingSocket): Ack {
    if (!this.#depart(socket)) throw new RequestRejected('not-joined', 'this connection is not in a room');
    return { ok: true };
  }

  /** A closed connection leaves its room. */
  disconnected(socket: SignalingSocket): void {
    this.#depart(socket);
  }

  /**
   * This server is about to close every connection: its own clients stop hearing room broadcasts first. The
   * server is closing their connections, not their peers leaving, and they resume their ids on the next
   * server; told `peer-left` for each other one by one, each would probe every link at once and drop any
   * that a busy tab does not answer in time. Members on other servers are still told (and probe, as for any
   * peer that lost its signaling connection).
   */
  shuttingDown(): void {
    for (const socket of this.io.of('/').sockets.values())
      for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
  }

  #depart(socket: SignalingSocket): boolean {
    const peer = this.directory.remove(socket);
    if (!peer) return false;
    this.io.to(roomKey(peer.room)).emit('peer-left', { id: peer.id });
    this.log.debug({ room: peer.room, peer: peer.id }, 'left');
    return true;
  }
}
