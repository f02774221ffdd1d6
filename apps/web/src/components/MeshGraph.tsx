import type { RoomSnapshot } from '@conclave/mesh';
import { shortId } from '../format';
import { layoutMesh } from '../mesh-layout';

export interface MeshGraphProps {
  readonly snapshot: RoomSnapshot;
}

const size = 320;
const nodeRadius = 17;

/** The mesh as this tab sees it: tabs on a circle, a line per open link, the leader in amber. */
export function MeshGraph({ snapshot }: MeshGraphProps) {
  const { nodes, edges } = layoutMesh(snapshot.selfId, snapshot.peers, snapshot.leaderId, size);
  const at = new Map(nodes.map((node) => [node.id, node]));
  return (
    <section className="card mesh" aria-label="Mesh">
      <h2>Mesh</h2>
      <svg
        viewBox={`0 0 ${size} ${size}`}
        role="img"
        aria-label={`${nodes.length} tabs, ${edges.filter((edge) => edge.state === 'open').length} open links`}
        data-testid="mesh-graph"
      >
        {edges.map((edge) => {
          const from = at.get(edge.from);
          const to = at.get(edge.to);
          if (from === undefined || to === undefined) return null;
          return (
            <line
              key={`${edge.from}|${edge.to}`}
              className={`edge edge-${edge.state} edge-${edge.transport}`}
              data-transport={edge.transport}
              x1={from.x}
              y1={from.y}
              x2={to.x}
              y2={to.y}
            />
          );
        })}
        {nodes.map((node) => (
          <g
            key={node.id}
            className={`node ${node.isLeader ? 'node-leader' : ''} ${node.isSelf ? 'node-self' : ''}`}
            transform={`translate(${node.x} ${node.y})`}
          >
            <title>
              {node.id}
              {node.isSelf ? ' (this tab)' : ''}
              {node.isLeader ? ' (leader)' : ''}
            </title>
            <circle r={nodeRadius} />
            <text className="node-label" y={nodeRadius + 14}>
              {shortId(node.id)}
            </text>
            {node.isLeader && (
              <text className="node-crown" y={5}>
                ★
              </text>
            )}
          </g>
        ))}
      </svg>
      <ul className="legend">
        <li>
          <span className="swatch swatch-leader" /> leader
        </li>
        <li>
          <span className="swatch swatch-self" /> this tab
        </li>
        <li>
          <span className="swatch swatch-link" /> open link
        </li>
        <li>
          <span className="swatch swatch-connecting" /> connecting
        </li>
        <li>
          <span className="swatch swatch-local" /> same browser (local)
        </li>
      </ul>
    </section>
  );
}
