import type { ElectionAdapter, ElectionMessage, PeerId } from '@conclave/election';
import type { Mesh } from './mesh';

/**
 * The election's network over the mesh: `peers()` is the mesh's view (open, uncut links), messages travel
 * in `election` envelopes, and every delivered message's `sender` is the peer whose link it arrived on (the
 * mesh drops a message that claims another sender).
 */
export function meshElectionAdapter(mesh: Mesh): ElectionAdapter {
  return {
    gossip(message: ElectionMessage): void {
      mesh.broadcast({ ch: 'election', msg: message });
    },
    send(to: PeerId, message: ElectionMessage): void {
      mesh.send(to, { ch: 'election', msg: message });
    },
    onMessage(handler: (message: ElectionMessage) => void): () => void {
      return mesh.onElection.add((_from, message) => handler(message));
    },
    peers: () => mesh.view(),
    settling: () => mesh.linking(),
    roomLinked: () => !mesh.linking(),
    watches: (peer) => mesh.watches(peer),
    onViewChange(handler: () => void): () => void {
      return mesh.onViewChange.add(handler);
    },
  };
}
