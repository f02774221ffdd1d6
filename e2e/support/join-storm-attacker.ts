// An outsider's join/leave storm, run as its own process by join-storm.ts: N Socket.IO connections that
// loop `join`/`leave` on one room at a paced rate for a bounded time, then print what happened as one
// line of JSON on stdout and exit. Settings arrive as JSON in argv[2] (see StormSettings).
import { io } from 'socket.io-client';
import { type StormReport, stormSettingsSchema } from './join-storm-report';

const settings = stormSettingsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const report: StormReport = {
  connections: { attempted: settings.connections, open: 0, refused: 0 },
  joins: { attempted: 0, admitted: 0, roomLimited: 0, socketLimited: 0, otherErrors: 0 },
  durationMs: 0,
};

const startedAt = Date.now();
const deadline = startedAt + settings.durationMs;
const intervalMs = 1000 / settings.joinsPerSecondPerConnection;

/** One connection: connects from `localAddress`, then join/leave turns until the deadline. */
async function storm(): Promise<void> {
  const socket = io(settings.url, {
    transports: ['websocket'],
    reconnection: false,
    timeout: 5_000,
    localAddress: settings.localAddress,
  } as Parameters<typeof io>[1]);
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  });
  if (!connected) {
    report.connections.refused++;
    socket.close();
    return;
  }
  report.connections.open++;
  try {
    for (let turn = 0; turn < settings.maxJoinsPerConnection && Date.now() < deadline; turn++) {
      const turnStartedAt = Date.now();
      report.joins.attempted++;
      const result = await socket.timeout(5_000).emitWithAck('join', { room: settings.room });
      if (result.ok) {
        report.joins.admitted++;
        await socket.timeout(5_000).emitWithAck('leave');
      } else if (result.error.code === 'rate-limited') {
        // The same code answers a socket's own event budget; only the room's names joins.
        if (/joins/.test(result.error.message)) report.joins.roomLimited++;
        else report.joins.socketLimited++;
      } else {
        report.joins.otherErrors++;
      }
      const wait = turnStartedAt + intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } catch {
    // An acknowledgement timed out or the connection dropped: this connection's storm ends.
    report.joins.otherErrors++;
  } finally {
    socket.close();
  }
}

await Promise.all(Array.from({ length: settings.connections }, storm));
report.durationMs = Date.now() - startedAt;
process.stdout.write(`${JSON.stringify(report)}\n`);
