import type { Election, ElectionAdapter, ElectionMessage, PeerId } from '@conclave/election';
import type { Mesh } from './mesh';
import { encodeEnvelope } from './wire';

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

/**
 * What a tab sends ahead to a tab announcing itself on the local channel (see `LocalTransport.greetWith`):
 * while it leads, the declaration it would answer the newcomer with once their link opens.
 */
export function leaderGreeting(election: Election): string | undefined {
  const state = election.state();
  if (state.role !== 'leader') return undefined;
  return encodeEnvelope({ ch: 'election', msg: { type: 'declaration', sender: state.id, term: state.term } });
}
