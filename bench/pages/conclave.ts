/**
 * One Conclave tab for the bench: joins `?room=` (with Fabric's timings when `?timings=fabric`) and reports
 * link and leader changes to the harness with epoch-ms timestamps.
 */
import { fabricDefaults } from '@conclave/election';
import { joinRoom, type RoomSnapshot } from '@conclave/mesh';
import { epochNow } from './clock';
import { pageParams, Reporter } from './reporter';
import { installTrafficCounters } from './traffic';

const reporter = new Reporter(installTrafficCounters());
const statusElement = document.getElementById('status');

async function main(): Promise<void> {
  const { room: roomName, timings } = pageParams();
  const room = await joinRoom({
    signalingUrl: location.origin,
    room: roomName,
    iceServers: [],
    ...(timings === 'fabric' ? { election: fabricDefaults } : {}),
  });
  reporter.state.timeline = () => room.snapshot().events;
  reporter.report({ kind: 'ready', at: epochNow(), selfId: room.id });

  let openLinks = -1;
  let leaderId: string | undefined;
  let term = -1;
  const observe = (snapshot: RoomSnapshot): void => {
    const at = epochNow();
    const open = snapshot.peers.filter((peer) => peer.link === 'open').length;
    if (open !== openLinks) {
      openLinks = open;
      reporter.report({ kind: 'links', at, open });
    }
    if (snapshot.leaderId !== leaderId || snapshot.term !== term) {
      leaderId = snapshot.leaderId;
      term = snapshot.term;
      reporter.report({ kind: 'leader', at, leaderId, term });
    }
    if (statusElement)
      statusElement.textContent = `${room.id} ${snapshot.role} leader=${leaderId} term=${term} links=${open}`;
  };
  room.subscribe(() => observe(room.snapshot()));
  observe(room.snapshot());
}

main().catch((error: unknown) => reporter.problem(`joinRoom failed: ${String(error)}`));
