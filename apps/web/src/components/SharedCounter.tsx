import type { Room } from '@conclave/mesh';
import { useLeadership, useRunWhileLeader, useServe, useShared } from '@conclave/react';
import { useEffect, useMemo } from 'react';
import {
  answerWhoami,
  counterName,
  counterSchema,
  counterTickMs,
  countWhileLeading,
  whoamiMethod,
} from '../shared-counter';
import { TermLeaders } from '../term-leaders';
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
  const leaders = useMemo(() => new TermLeaders(), []);
  useEffect(() => leaders.follow(room), [leaders, room]);
  useRunWhileLeader(useMemo(() => countWhileLeading(room), [room]));
  useServe(
    whoamiMethod,
    useMemo(() => answerWhoami(room), [room]),
  );
  const { entry } = useShared(counterName, { schema: counterSchema });
  // Re-renders on leadership changes: the publisher's "this tab" tag and the line below.
  const { isLeader: leading } = useLeadership();
  const publisher = entry === undefined ? undefined : leaders.leaderOf(entry.term);

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
          {publisher !== undefined && publisher === room.selfId && <span className="tag">this tab</span>}
        </dd>
        <dt>Version</dt>
        <dd data-testid="shared-version">{entry?.version ?? '–'}</dd>
      </dl>
      <WhoamiButton room={room} />
    </section>
  );
}
