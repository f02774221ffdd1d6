import type { Room } from '@conclave/mesh';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { counterTickMs, sharedCounter, startSharedCounter } from '../shared-counter';
import { TermLeaders } from '../term-leaders';
import { useRoomSnapshot } from '../use-room-snapshot';
import { PeerIdText } from './PeerIdText';
import { WhoamiButton } from './WhoamiButton';

export interface SharedCounterProps {
  readonly room: Room;
}

/**
 * The shared-work demo: every tab registers the same counting task and `whoami` method, only the leader
 * runs them, and every tab shows the counter it publishes, with its term and publisher. The `data-testid`
 * hooks are a contract with the e2e tests: `shared-counter` is the number (empty before the first value),
 * `shared-term` its term.
 */
export function SharedCounter({ room }: SharedCounterProps) {
  const counter = useMemo(() => sharedCounter(room), [room]);
  const leaders = useMemo(() => new TermLeaders(), []);
  useEffect(() => leaders.follow(room), [leaders, room]);
  useEffect(() => startSharedCounter(room), [room]);
  const entry = useSyncExternalStore(counter.subscribe, counter.get);
  const snapshot = useRoomSnapshot(room); // re-renders on leadership changes (the publisher's "this tab" tag)
  const publisher = entry === undefined ? undefined : leaders.leaderOf(entry.term);
  const leading = snapshot.role === 'leader';

  return (
    <section className="card shared-work" aria-label="Shared work" data-testid="shared-work">
      <h2>Shared counter</h2>
      <p className="muted">
        The leader adds one every {counterTickMs} ms and publishes it with its term; every tab sees it.
        {leading ? ' This tab is counting.' : ' This tab follows.'}
      </p>
      <div className="counter-line">
        <strong className="counter-value" data-testid="shared-counter">
          {entry?.value}
        </strong>
        <span className="term">
          term <strong data-testid="shared-term">{entry?.term}</strong>
        </span>
      </div>
      <dl className="facts">
        <dt>Published by</dt>
        <dd>
          <PeerIdText id={publisher} testId="shared-publisher" />
          {publisher !== undefined && publisher === room.id && <span className="tag">this tab</span>}
        </dd>
        <dt>Version</dt>
        <dd data-testid="shared-version">{entry?.version ?? '–'}</dd>
      </dl>
      <WhoamiButton room={room} />
    </section>
  );
}
