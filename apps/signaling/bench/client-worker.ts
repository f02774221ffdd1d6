// A share of the bench clients: whole rooms, so sender and receiver share a clock (performance.now()).
import type { ClientToServerEvents, ServerToClientEvents } from '@conclave/protocol';
import { io, type Socket } from 'socket.io-client';
import type { WorkerReport, WorkerRequest } from './messages';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
interface Member {
  client: Client;
  id: string;
  room: Member[];
}

const send = (report: WorkerReport) => process.send?.(report);
const members: Member[] = [];
const latenciesMs: number[] = [];

async function connectAndJoin(url: string, roomName: string, room: Member[]): Promise<number> {
  const started = performance.now();
  const client: Client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  const joined = await client.emitWithAck('join', { room: roomName });
  if (!joined.ok) throw new Error(`join: ${joined.error.code}`);
  const member: Member = { client, id: joined.id, room };
  client.on('signal', ({ data }) => {
    latenciesMs.push(performance.now() - (data.t as number));
  });
  room.push(member);
  members.push(member);
  return performance.now() - started;
}

async function setup(request: Extract<WorkerRequest, { type: 'setup' }>): Promise<void> {
  const jobs = request.rooms.flatMap((roomName) => {
    const room: Member[] = [];
    return Array.from({ length: request.roomSize }, () => () => connectAndJoin(request.url, roomName, room));
  });
  const connectMs: number[] = [];
  let failures = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: request.concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++] as () => Promise<number>;
        try {
          connectMs.push(await job());
        } catch {
          failures++;
        }
      }
    }),
  );
  send({ type: 'ready', connectMs, failures });
}

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  latenciesMs.length = 0;
  const rejected: Record<string, number> = {};
  const acks: Promise<void>[] = [];
  const pad = 'x'.repeat(request.payloadBytes);
  const tickMs = 10;
  const senders = members.filter((member) => member.room.length > 1);
  let owed = 0;
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // Catch up on the schedule (timers drift), so the rate is the asked one.
      const due = ((performance.now() - started) / 1000) * request.signalsPerSecond;
      owed = Math.max(0, due - sent);
      for (; owed >= 1; owed--) {
        const sender = senders[Math.floor(Math.random() * senders.length)] as Member;
        const peers = sender.room.filter((member) => member !== sender);
        const target = peers[Math.floor(Math.random() * peers.length)] as Member;
        sent++;
        acks.push(
          sender.client
            .emitWithAck('signal', { to: target.id, data: { t: performance.now(), sdp: pad } })
            .then((ack) => {
              if (!ack.ok) rejected[ack.error.code] = (rejected[ack.error.code] ?? 0) + 1;
            }),
        );
      }
      if (performance.now() - started >= request.durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  await Promise.all(acks);
  const expected = sent - Object.values(rejected).reduce((sum, n) => sum + n, 0);
  // Relays are written before acks on the server, but arrive on other connections: give them a moment.
  const deadline = performance.now() + 5_000;
  while (latenciesMs.length < expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  send({ type: 'done', latenciesMs: [...latenciesMs], sent, rejected, lost: expected - latenciesMs.length });
}

process.on('message', (request: WorkerRequest) => {
  if (request.type === 'setup') void setup(request);
  else if (request.type === 'run') void run(request);
  else {
    for (const member of members) member.client.close();
    process.disconnect();
  }
});
