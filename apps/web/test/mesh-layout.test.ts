import type { PeerInfo } from '@conclave/mesh';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutMesh } from '../src/mesh-layout';

const id = fc.stringMatching(/^[0-9a-f]{4}$/);
const peerInfo = (ids: fc.Arbitrary<string>) =>
  fc.record({
    id: ids,
    link: fc.constantFrom('connecting', 'open', 'closed') as fc.Arbitrary<PeerInfo['link']>,
    links: fc.array(ids, { maxLength: 6 }),
  });

describe('layoutMesh', () => {
  it('draws one node per tab and one edge per linked pair, never to unknown ids or to itself', () => {
    fc.assert(
      fc.property(id, fc.array(peerInfo(id), { maxLength: 8 }), (self, rawPeers) => {
        const peers = rawPeers.filter(
          (peer, index) => peer.id !== self && rawPeers.findIndex((p) => p.id === peer.id) === index,
        );
        const { nodes, edges } = layoutMesh(self, peers, undefined, 300);
        const known = new Set([self, ...peers.map((peer) => peer.id)]);
        expect(nodes.map((node) => node.id).sort()).toEqual([...known].sort());
        const pairs = edges.map((edge) => `${edge.from}|${edge.to}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        for (const edge of edges) {
          expect(edge.from < edge.to).toBe(true);
          expect(known.has(edge.from) && known.has(edge.to)).toBe(true);
        }
        for (const node of nodes) {
          expect(node.x).toBeGreaterThanOrEqual(0);
          expect(node.x).toBeLessThanOrEqual(300);
          expect(node.y).toBeGreaterThanOrEqual(0);
          expect(node.y).toBeLessThanOrEqual(300);
        }
      }),
    );
  });

  it('draws the same picture whatever order the peers come in', () => {
    fc.assert(
      fc.property(
        id,
        fc.uniqueArray(peerInfo(id), { selector: (peer) => peer.id, maxLength: 6 }),
        (self, peers) => {
          const others = peers.filter((peer) => peer.id !== self);
          const a = layoutMesh(self, others, undefined, 300);
          const b = layoutMesh(self, [...others].reverse(), undefined, 300);
          expect(b.nodes).toEqual(a.nodes);
          const sorted = (edges: typeof a.edges) =>
            [...edges].sort((x, y) => `${x.from}${x.to}`.localeCompare(`${y.from}${y.to}`));
          expect(sorted(b.edges)).toEqual(sorted(a.edges));
        },
      ),
    );
  });

  it('links this tab to open and connecting peers, peers to the ids they report, and marks the leader', () => {
    const peers: PeerInfo[] = [
      { id: 'b', link: 'open', links: ['a', 'c', 'zz'] },
      { id: 'c', link: 'connecting', links: [] },
      { id: 'd', link: 'closed', links: [] },
    ];
    const { nodes, edges } = layoutMesh('a', peers, 'b', 300);
    expect(edges).toEqual(
      expect.arrayContaining([
        { from: 'a', to: 'b', state: 'open', transport: 'webrtc' },
        { from: 'a', to: 'c', state: 'connecting', transport: 'webrtc' },
        { from: 'b', to: 'c', state: 'open', transport: 'webrtc' },
      ]),
    );
    expect(edges).toHaveLength(3);
    expect(nodes.filter((node) => node.isLeader).map((node) => node.id)).toEqual(['b']);
    expect(nodes.filter((node) => node.isSelf).map((node) => node.id)).toEqual(['a']);
  });

  it('puts a lone tab in the middle', () => {
    expect(layoutMesh('a', [], 'a', 300).nodes).toEqual([
      { id: 'a', x: 150, y: 150, isSelf: true, isLeader: true },
    ]);
  });
});

describe('layoutMesh transports', () => {
  it('marks this tab’s links with their transport, and a link between two local peers as local', () => {
    const peers: PeerInfo[] = [
      { id: 'b', link: 'open', links: ['a', 'c', 'd'], transport: 'local' },
      { id: 'c', link: 'open', links: ['a', 'b', 'd'], transport: 'local' },
      { id: 'd', link: 'open', links: ['a', 'b', 'c'], transport: 'webrtc' },
    ];
    const transportOf = (from: string, to: string) =>
      layoutMesh('a', peers, undefined, 300).edges.find((edge) => edge.from === from && edge.to === to)
        ?.transport;
    expect(transportOf('a', 'b')).toBe('local');
    expect(transportOf('a', 'd')).toBe('webrtc');
    expect(transportOf('b', 'c')).toBe('local');
    expect(transportOf('b', 'd')).toBe('webrtc');
  });

  it('places tabs around the circle in the election’s id order, also where it and UTF-16 order differ', () => {
    // U+FF61 sorts after an astral character's surrogates in UTF-16, before it in code points (compareIds).
    const astral = '\u{1F600}';
    const { nodes, edges } = layoutMesh(
      'a',
      [
        { id: astral, link: 'open', links: ['\uFF61'] },
        { id: '\uFF61', link: 'open', links: [] },
      ],
      undefined,
      300,
    );
    expect(nodes.map((node) => node.id)).toEqual(['a', '\uFF61', astral]);
    expect(edges).toContainEqual({ from: '\uFF61', to: astral, state: 'open', transport: 'webrtc' });
  });
});
