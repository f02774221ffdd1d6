/**
 * One Conclave tab for the bench: joins `?room=` (with Fabric's timings when `?timings=fabric`, with the
 * test-only fault injection when `?faults=1`) and reports link and leader changes to the harness with epoch-ms
 * timestamps.
 */
import { fabricDefaults } from '@conclave/election';
import { joinRoom, type RoomSnapshot } from '@conclave/mesh';
import { epochNow } from './clock';
import { pageParams, Reporter } from './reporter';
import { installTrafficCounters, type SentMessage } from './traffic';

const params = pageParams();
const sendLog: SentMessage[] | undefined = params.trace ? [] : undefined;
const reporter = new Reporter(installTrafficCounters(sendLog), params.room);
if (sendLog) reporter.state.sends = () => sendLog;
const statusElement = document.getElementById('status');

async function main(): Promise<void> {
  const { room: roomName, timings, faults } = params;
  reporter.mark('join');
  const room = await joinRoom({
    signalingUrl: location.origin,
    room: roomName,
    iceServers: [],
    ...(timings === 'fabric' ? { election: fabricDefaults } : {}),
    ...(faults ? { faults: true } : {}),
  });
  reporter.state.timeline = () => room.snapshot().events;
  reporter.state.stats = () => room.stats();
  const injector = room.faults;
  if (injector) {
    // `deafTo`, not `cut`: a cut takes the peer out of the view at once, which the election sees as a link
    // closing; a deaf link stays open and in view, as after a network cut that signaling does not notice.
    reporter.state.isolate = (peers) => {
      for (const peer of peers) injector.deafTo(peer);
      return epochNow();
    };
  }
  reporter.ready(room.selfId);

  let openLinks = -1;
  let leaderId: string | undefined;
  let reportedLeader = false;
  const observe = (snapshot: RoomSnapshot): void => {
    const at = epochNow();
    const open = snapshot.peers.filter((peer) => peer.link === 'open').length;
    if (open !== openLinks) {
      openLinks = open;
      reporter.report({ kind: 'links', at, open });
    }
    // Only a change of leader is reported (with its term): a term that grows under the same leader is not a
    // change the harness measures, and reporting every one could flood the binding.
    if (snapshot.leaderId !== leaderId || !reportedLeader) {
      leaderId = snapshot.leaderId;
      reportedLeader = true;
      reporter.report({ kind: 'leader', at, leaderId, term: snapshot.term });
    }
    if (statusElement) {
      statusElement.textContent = `${room.selfId} ${snapshot.role} leader=${leaderId} term=${snapshot.term} links=${open}`;
    }
  };
  room.subscribe(() => observe(room.snapshot()));
  observe(room.snapshot());
}

main().catch((error: unknown) => reporter.problem(`joinRoom failed: ${String(error)}`));
