import type { PageOptions } from '../page-options';
import type { RoomSession } from '../room-session';
import { useSessionState } from '../use-session-state';
import { Controls } from './Controls';
import { Header } from './Header';
import { RoomDashboard } from './RoomDashboard';
import { StatusBanner } from './StatusBanner';

export interface AppProps {
  readonly session: RoomSession;
  readonly options: PageOptions;
}

/** The page: the dashboard of the joined room, or what stands in for it while not joined. */
export function App({ session, options }: AppProps) {
  const state = useSessionState(session);
  return (
    <div className="app">
      <Header room={options.room} />
      {state.status === 'joined' || state.status === 'leaving' ? (
        <RoomDashboard room={state.room} session={session} leaving={state.status === 'leaving'} />
      ) : (
        <main className="dashboard">
          <StatusBanner
            status={state.status === 'joining' ? 'connecting' : state.status}
            openLinks={0}
            detail={
              state.status === 'failed'
                ? state.error
                : state.status === 'joining'
                  ? state.lastError
                  : undefined
            }
          />
          <Controls
            membership={state.status}
            electionRole={undefined}
            onYield={() => {}}
            onLeave={() => void session.leave()}
            onRejoin={() => session.join()}
          />
        </main>
      )}
    </div>
  );
}
