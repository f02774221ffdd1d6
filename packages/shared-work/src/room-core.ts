import type { PeerId } from '@conclave/election';

/** Who leads, as one tab sees it. */
export interface Leadership {
  readonly isLeader: boolean;
  readonly leaderId: PeerId | undefined;
  /** The leadership's term: a fencing token that grows with every new leader. */
  readonly term: number;
}

/**
 * What the shared-work layer needs from a room: the election's view and an application channel over the
 * mesh. `packages/mesh` implements it; tests implement it in memory.
 *
 * Payloads are plain JSON. The transport guarantees the `from` it reports is the peer whose data channel
 * the message arrived on, and bounds payload size; the shared-work layer validates the payload itself.
 */
export interface RoomCore {
  readonly selfId: PeerId;
  leadership(): Leadership;
  /** Called after every change of leader, term or role. Returns the unsubscribe function. */
  onLeadershipChange(listener: (leadership: Leadership) => void): () => void;
  /** Peers with an open link, not including self. */
  peers(): readonly PeerId[];
  /** Called when a link to a peer opens (late joiners). Returns the unsubscribe function. */
  onPeerLinked(listener: (peer: PeerId) => void): () => void;
  /** Send an application payload to one peer; false when there is no open link to it. */
  sendTo(peer: PeerId, payload: unknown): boolean;
  /** Send an application payload to every linked peer. */
  broadcast(payload: unknown): void;
  /** Receive application payloads. Returns the unsubscribe function. */
  onAppMessage(listener: (from: PeerId, payload: unknown) => void): () => void;
}
