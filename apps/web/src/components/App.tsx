import { useRoom } from '@conclave/react';
import type { PageOptions } from '../page-options';
import { Controls } from './Controls';
import { Header } from './Header';
import { RoomDashboard } from './RoomDashboard';
import { StatusBanner } from './StatusBanner';

export interface AppProps {
  readonly options: PageOptions;
}

/** The page: the dashboard of the joined room, or what stands in for it while not joined. */
export function App({ options }: AppProps) {
  const state = useRoom();
  return (
    <div className="app">
      <Header room={options.room} />
      {state.room !== undefined ? (
        <RoomDashboard room={state.room} leaving={state.status === 'leaving'} />
      ) : (
        <main className="dashboard">
          <StatusBanner
            status={state.status === 'joining' ? 'connecting' : state.status}
            openLinks={0}
            // A failed join's reason; while retrying, the last attempt's.
            detail={state.error?.message}
          />
          <Controls
            membership={state.status}
            electionRole={undefined}
            onYield={() => {}}
            onLeave={() => void state.leave()}
            onRejoin={state.rejoin}
          />
        </main>
      )}
    </div>
  );
}
