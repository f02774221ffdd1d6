import type { PeerId, SignalRelay } from '@conclave/protocol';
import { peerKey, roomKey } from './room-keys';
import { withTimeout } from './timeout';
import type { PeerRecord, SignalingIo, SignalingSocket } from './types';

/** Who is in which room. Local sockets are indexed; with a cluster, other servers are asked through the adapter. */
export class RoomDirectory {
  /** room → peer id → local socket. */
  readonly #local = new Map<string, Map<PeerId, SignalingSocket>>();
  #peerCount = 0;

  constructor(
    private readonly io: SignalingIo,
    /** Whether other servers share the rooms (Redis adapter). */
    private readonly clustered: boolean,
    private readonly requestTimeoutMs: number,
  ) {}

  get localPeers(): number {
    return this.#peerCount;
  }

  get localRooms(): number {
    return this.#local.size;
  }

  /** Puts `socket` in its room as `peer`. */
  add(socket: SignalingSocket, peer: PeerRecord): void {
    socket.data.peer = peer;
    // The per-peer room only serves relays from other servers; alone, a server relays to the socket.
    void socket.join(this.clustered ? [roomKey(peer.room), peerKey(peer.room, peer.id)] : roomKey(peer.room));
    let peers = this.#local.get(peer.room);
    if (!peers) {
      peers = new Map();
      this.#local.set(peer.room, peers);
    }
    peers.set(peer.id, socket);
    this.#peerCount++;
  }

  /** Takes `socket` out of its room; returns the peer it was, if it was one. */
  remove(socket: SignalingSocket): PeerRecord | undefined {
    const peer = socket.data.peer;
    if (!peer) return undefined;
    socket.data.peer = undefined;
    void socket.leave(roomKey(peer.room));
    if (this.clustered) void socket.leave(peerKey(peer.room, peer.id));
    const peers = this.#local.get(peer.room);
    if (peers?.get(peer.id) === socket) {
      peers.delete(peer.id);
      this.#peerCount--;
      if (peers.size === 0) this.#local.delete(peer.room);
    }
    return peer;
  }

  /** The local socket of peer `id` in `room`. */
  localSocket(room: string, id: PeerId): SignalingSocket | undefined {
    return this.#local.get(room)?.get(id);
  }

  /** Every peer of `room`, on every server. */
  async members(room: string): Promise<PeerRecord[]> {
    if (!this.clustered) {
      return [...(this.#local.get(room)?.values() ?? [])].flatMap((socket) => socket.data.peer ?? []);
    }
    const sockets = await this.io.in(roomKey(room)).timeout(this.requestTimeoutMs).fetchSockets();
    return sockets.flatMap((socket) => socket.data.peer ?? []);
  }

  /** Sends `relay` to peer `to` of `room`; false when there is no such peer (anywhere). */
  async relay(room: string, to: PeerId, relay: SignalRelay): Promise<boolean> {
    const local = this.localSocket(room, to);
    if (local) {
      local.emit('signal', relay);
      return true;
    }
    if (!this.clustered) return false;
    const target = peerKey(room, to);
    const sockets = await this.io.in(target).timeout(this.requestTimeoutMs).fetchSockets();
    if (sockets.length === 0) return false;
    this.io.to(target).emit('signal', relay);
    return true;
  }

  /**
   * Disconnects whichever socket holds `id` in `room`, here or on another server, and waits until it is
   * out of the room (its `peer-left` is sent). Used when a client resumes that id on a new connection.
   */
  async evict(room: string, id: PeerId): Promise<void> {
    if (this.evictLocal(room, id) || !this.clustered) return;
    await withTimeout(
      this.io.serverSideEmitWithAck('takeover', room, id),
      this.requestTimeoutMs,
      `takeover of ${id} in ${room}`,
    );
  }

  /** The local half of {@link evict}; true when the socket was here. */
  evictLocal(room: string, id: PeerId): boolean {
    const socket = this.localSocket(room, id);
    if (!socket) return false;
    socket.disconnect(true);
    return true;
  }
}
