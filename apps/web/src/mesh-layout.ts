import { compareIds, type PeerInfo } from '@conclave/mesh';

export interface MeshNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly isSelf: boolean;
  readonly isLeader: boolean;
}

export interface MeshEdge {
  readonly from: string;
  readonly to: string;
  /** `open`: a link reported open; `connecting`: this tab's link still negotiating. */
  readonly state: 'open' | 'connecting';
  /**
   * `local` (same browser, over BroadcastChannel) or `webrtc`. Known for this tab's own links; a link between
   * two peers counts as local when both are local to this tab (they share its browser profile).
   */
  readonly transport: 'local' | 'webrtc';
}

export interface MeshLayout {
  readonly nodes: readonly MeshNode[];
  readonly edges: readonly MeshEdge[];
}

/**
 * Places this tab and its peers on a circle (in the election's id order, so every tab draws the same picture) and
 * draws an edge for every link this tab has and every link a peer reports. Links to ids this tab does not
 * know are left out.
 */
export function layoutMesh(
  selfId: string,
  peers: readonly PeerInfo[],
  leaderId: string | undefined,
  size: number,
): MeshLayout {
  const ids = [...new Set([selfId, ...peers.map((peer) => peer.id)])].sort(compareIds);
  const center = size / 2;
  const radius = ids.length === 1 ? 0 : size * 0.36;
  const nodes = ids.map((id, index): MeshNode => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / ids.length;
    return {
      id,
      x: center + radius * Math.cos(angle),
      y: center + radius * Math.sin(angle),
      isSelf: id === selfId,
      isLeader: id === leaderId,
    };
  });

  const known = new Set(ids);
  const local = new Set([
    selfId,
    ...peers.filter((peer) => peer.transport === 'local').map((peer) => peer.id),
  ]);
  const edges = new Map<string, MeshEdge>();
  const add = (a: string, b: string, state: MeshEdge['state'], transport?: MeshEdge['transport']): void => {
    if (a === b || !known.has(a) || !known.has(b)) return;
    const [from, to] = compareIds(a, b) < 0 ? [a, b] : [b, a];
    const key = `${from}|${to}`;
    if (edges.get(key)?.state === 'open') return;
    edges.set(key, {
      from,
      to,
      state,
      transport: transport ?? (local.has(a) && local.has(b) ? 'local' : 'webrtc'),
    });
  };
  for (const peer of peers) {
    if (peer.link !== 'closed') add(selfId, peer.id, peer.link, peer.transport);
  }
  for (const peer of peers) for (const other of peer.links) add(peer.id, other, 'open');
  return { nodes, edges: [...edges.values()] };
}
