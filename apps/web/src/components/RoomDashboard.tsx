import type { Room } from '@conclave/mesh';
import { useRoom } from '@conclave/react';
import { readPageOptions } from '../page-options';
import { openLinkCount, roomStatus } from '../room-status';
import { useRoomSnapshot } from '../use-room-snapshot';
import { Controls } from './Controls';
import { ElectionCard } from './ElectionCard';
import { JoinFromDevice } from './JoinFromDevice';
import { MeshGraph } from './MeshGraph';
import { PeerList } from './PeerList';
import { SharedCounter } from './SharedCounter';
import { StatusBanner } from './StatusBanner';
import { Timeline } from './Timeline';

export interface RoomDashboardProps {
  readonly room: Room;
  /** True while the tab hands over and closes its links. */
  readonly leaving: boolean;
}

/** Everything about a joined room: who leads, the mesh, the timeline, the controls. */
export function RoomDashboard({ room, leaving }: RoomDashboardProps) {
  const snapshot = useRoomSnapshot(room);
  const { leave, rejoin } = useRoom();
  return (
    <main className="dashboard">
      <StatusBanner status={roomStatus(snapshot)} openLinks={openLinkCount(snapshot)} detail={undefined} />
      <div className="columns">
        <div className="column">
          <ElectionCard snapshot={snapshot} />
          <Controls
            membership={leaving ? 'leaving' : 'joined'}
            electionRole={snapshot.role}
            onYield={() => room.yield()}
            onLeave={() => void leave()}
            onRejoin={rejoin}
          />
          <PeerList snapshot={snapshot} />
        </div>
        <div className="column">
          <MeshGraph snapshot={snapshot} />
          <SharedCounter room={room} />
          <JoinFromDevice
            room={room.name}
            hasSecret={readPageOptions(window.location.search).secret !== undefined}
            origin={window.location.origin}
          />
        </div>
        <div className="column">
          <Timeline events={snapshot.events} />
        </div>
      </div>
    </main>
  );
}
