import type { RoomSnapshot } from '@conclave/mesh';

export type Membership = 'joining' | 'joined' | 'leaving' | 'left' | 'failed';

export interface ControlsProps {
  readonly membership: Membership;
  /** This tab's role; undefined while not joined. */
  readonly electionRole: RoomSnapshot['role'] | undefined;
  readonly onYield: () => void;
  readonly onLeave: () => void;
  readonly onRejoin: () => void;
}

/** Yield, Leave/Rejoin and Open another tab. */
export function Controls({ membership, electionRole, onYield, onLeave, onRejoin }: ControlsProps) {
  const joined = membership === 'joined';
  return (
    <section className="card controls" aria-label="Controls">
      <h2>Controls</h2>
      <div className="buttons">
        <button
          type="button"
          data-testid="yield"
          disabled={!joined || electionRole !== 'leader'}
          onClick={onYield}
          title="Step aside: another tab takes over"
        >
          Yield
        </button>
        {membership === 'left' || membership === 'failed' ? (
          <button type="button" data-testid="rejoin" onClick={onRejoin}>
            Rejoin
          </button>
        ) : (
          <button type="button" data-testid="leave" disabled={membership === 'leaving'} onClick={onLeave}>
            Leave
          </button>
        )}
        <button
          type="button"
          data-testid="open-tab"
          className="secondary"
          onClick={() => window.open(window.location.href, '_blank', 'noopener')}
        >
          Open another tab
        </button>
      </div>
    </section>
  );
}
