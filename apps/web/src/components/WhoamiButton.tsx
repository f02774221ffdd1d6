import type { Room } from '@conclave/mesh';
import { useCallLeaderDetailed } from '@conclave/react';
import { LeaderCallError, RemoteError } from '@conclave/shared-work';
import { useEffect, useRef, useState } from 'react';
import { whoamiAnswerSchema, whoamiMethod } from '../shared-counter';
import { PeerIdText } from './PeerIdText';

export interface WhoamiButtonProps {
  readonly room: Room;
}

type Answer =
  | { readonly status: 'idle' }
  | { readonly status: 'asking' }
  | { readonly status: 'answered'; readonly id: string; readonly term: number; readonly attempts: number }
  | { readonly status: 'failed'; readonly message: string };

/** RPC to the leader: asks `whoami` with `callLeader` and shows who answered, under which term. */
export function WhoamiButton({ room }: WhoamiButtonProps) {
  const [answer, setAnswer] = useState<Answer>({ status: 'idle' });
  const callLeader = useCallLeaderDetailed();
  const currentRoom = useRef(room);
  useEffect(() => {
    currentRoom.current = room;
    setAnswer({ status: 'idle' });
  }, [room]);

  const ask = async (): Promise<void> => {
    setAnswer({ status: 'asking' });
    let next: Answer;
    try {
      const result = await callLeader(whoamiMethod, undefined, { timeoutMs: 2_000 });
      const parsed = whoamiAnswerSchema.safeParse(result.value);
      next = parsed.success
        ? { status: 'answered', ...parsed.data, attempts: result.attempts }
        : { status: 'failed', message: 'the leader answered something unexpected' };
    } catch (error) {
      next = { status: 'failed', message: describe(error) };
    }
    if (currentRoom.current === room) setAnswer(next); // not an answer from a room this tab has left
  };

  return (
    <div className="whoami">
      <button
        type="button"
        data-testid="whoami"
        className="secondary"
        disabled={answer.status === 'asking'}
        onClick={() => void ask()}
        title="callLeader('whoami'): the leader answers with its id and term"
      >
        Ask the leader who it is
      </button>
      <p className="whoami-answer" data-testid="whoami-answer" data-state={answer.status}>
        {answer.status === 'asking' && <span className="muted">asking…</span>}
        {answer.status === 'answered' && (
          <>
            <PeerIdText id={answer.id} testId="whoami-id" /> answered, term {answer.term}
            {answer.attempts > 1 && <span className="muted"> ({answer.attempts} attempts)</span>}
            {answer.id === room.selfId && <span className="tag">this tab</span>}
          </>
        )}
        {answer.status === 'failed' && <span className="tag tag-warn">{answer.message}</span>}
      </p>
    </div>
  );
}

function describe(error: unknown): string {
  if (error instanceof LeaderCallError) return `call failed: ${error.code}`;
  if (error instanceof RemoteError) return `the leader failed: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
