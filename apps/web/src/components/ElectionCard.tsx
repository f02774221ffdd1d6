import type { RoomSnapshot } from '@conclave/mesh';
import { openLinkCount } from '../room-status';
import { PeerIdText } from './PeerIdText';

export interface ElectionCardProps {
  readonly snapshot: RoomSnapshot;
}

/**
 * Who this tab is and who leads. The `data-testid` hooks are a contract with the e2e tests: `role` is
 * exactly `leader` or `follower`, `leader-id` is empty while the leader is unknown.
 */
export function ElectionCard({ snapshot }: ElectionCardProps) {
  const leadingHere = snapshot.leaderId !== undefined && snapshot.leaderId === snapshot.selfId;
  return (
    <section
      className={`card election ${snapshot.role === 'leader' ? 'is-leader' : ''}`}
      aria-label="Election"
    >
      <div className="role-line">
        <span className={`role-badge role-${snapshot.role}`} data-testid="role">
          {snapshot.role}
        </span>
        <span className="term">
          term <strong data-testid="term">{snapshot.term}</strong>
        </span>
      </div>
      <dl className="facts">
        <dt>This tab</dt>
        <dd>
          <PeerIdText id={snapshot.selfId} testId="self-id" />
        </dd>
        <dt>Leader</dt>
        <dd>
          <PeerIdText id={snapshot.leaderId} testId="leader-id" />
          {leadingHere && <span className="tag">this tab</span>}
        </dd>
        <dt>Peers linked</dt>
        <dd>
          <strong data-testid="peer-count">{openLinkCount(snapshot)}</strong>
          <span className="muted"> of {snapshot.peers.length} known</span>
        </dd>
      </dl>
    </section>
  );
}
