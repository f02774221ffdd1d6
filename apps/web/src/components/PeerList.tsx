import type { RoomSnapshot } from '@conclave/mesh';
import { shortId } from '../format';

export interface PeerListProps {
  readonly snapshot: RoomSnapshot;
}

/**
 * The other tabs this tab knows of: the state and transport of the link to each, what each says it runs on
 * (text only: React escapes it, and the mesh accepted only short printable ASCII) and the link's round trip.
 */
export function PeerList({ snapshot }: PeerListProps) {
  return (
    <section className="card peers" aria-label="Peers">
      <h2>Peers</h2>
      {snapshot.peers.length === 0 ? (
        <p className="muted">No other tabs in this room yet.</p>
      ) : (
        <ul className="peer-list" data-testid="peer-list">
          {snapshot.peers.map((peer) => (
            <li
              key={peer.id}
              data-peer={peer.id}
              data-link={peer.link}
              data-transport={peer.transport ?? 'none'}
            >
              <code title={peer.id}>{shortId(peer.id)}</code>
              <span className={`link-badge link-${peer.link}`}>{peer.link}</span>
              {peer.transport !== undefined && (
                <span
                  className={`tag tag-transport-${peer.transport}`}
                  title={
                    peer.transport === 'local' ? 'Same browser: BroadcastChannel' : 'WebRTC data channel'
                  }
                >
                  {peer.transport === 'local' ? 'local' : 'WebRTC'}
                </span>
              )}
              {peer.id === snapshot.leaderId && <span className="tag tag-leader">leader</span>}
              {peer.agent !== undefined && (
                <span className="muted peer-agent" data-testid="peer-agent" title="As the peer reports it">
                  {peer.agent.browser} · {peer.agent.platform}
                </span>
              )}
              {peer.rttMs !== undefined && (
                <span
                  className="muted peer-rtt"
                  data-testid="peer-rtt"
                  title="Smoothed round trip of the link"
                >
                  {peer.rttMs} ms
                </span>
              )}
              {peer.visible === false && (
                <span
                  className="tag"
                  data-testid="peer-hidden"
                  title="Its page is hidden (as the peer reports it)"
                >
                  hidden
                </span>
              )}
              {peer.inRoom === false && (
                <span className="tag tag-warn" title="Linked, but no longer on the signaling server">
                  off signaling
                </span>
              )}
              {peer.fault !== undefined && (
                <span className="tag tag-fault" title="Test fault injection">
                  {peer.fault}
                </span>
              )}
              <span className="muted peer-links">
                {peer.links.length} {peer.links.length === 1 ? 'link' : 'links'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
