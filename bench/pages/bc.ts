/**
 * One broadcast-channel tab for the bench: `createLeaderElection` on a channel named `?room=`. The leader
 * announces itself on a separate status channel (counted apart from the library's own traffic) so every tab
 * can report who leads.
 */
import { createLeaderElection, BroadcastChannel as LibraryChannel } from 'broadcast-channel';
import { type BcStatus, bcStatusSchema } from './bc-status';
import { epochNow } from './clock';
import { pageParams, Reporter } from './reporter';
import { installTrafficCounters, statusChannelSuffix } from './traffic';

const { room } = pageParams();
const reporter = new Reporter(installTrafficCounters(), room);
const statusElement = document.getElementById('status');

function main(): void {
  const selfId = crypto.randomUUID();
  const channel = new LibraryChannel(room);
  const elector = createLeaderElection(channel);
  const status = new globalThis.BroadcastChannel(`${room}${statusChannelSuffix}`);
  const announce = (message: BcStatus): void => status.postMessage(message);

  let leaderId: string | undefined;
  let term = 0;
  const follow = (id: string): void => {
    if (id === leaderId) return;
    leaderId = id;
    term += 1; // broadcast-channel has no terms: count the leaders this tab has seen instead.
    reporter.report({ kind: 'leader', at: epochNow(), leaderId, term });
    if (statusElement)
      statusElement.textContent = `${selfId} leader=${leaderId} (${elector.isLeader ? 'me' : 'other'})`;
  };

  status.onmessage = (event: MessageEvent<unknown>) => {
    const parsed = bcStatusSchema.safeParse(event.data);
    if (!parsed.success) return;
    if (parsed.data.type === 'leader') follow(parsed.data.id);
    else if (elector.isLeader) announce({ type: 'leader', id: selfId });
  };
  elector.onduplicate = () => reporter.problem('broadcast-channel reported a duplicate leader');

  reporter.ready(selfId);
  announce({ type: 'who-leads' });
  elector
    .awaitLeadership()
    .then(() => {
      follow(selfId);
      announce({ type: 'leader', id: selfId });
    })
    .catch((error: unknown) => reporter.problem(`awaitLeadership failed: ${String(error)}`));
}

main();
