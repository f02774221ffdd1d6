import { ElectionConfigError, resolveConfig } from '@conclave/election';
import { limits, roomNameSchema } from '@conclave/protocol';
import * as z from 'zod/mini';
import { JoinRoomError } from './errors';
import { createLocalTransport } from './local-setup';
import { installPageLifecycle, type ListenerTarget } from './page-lifecycle';
import { describeAgent } from './peer-agent';
import { simplePeerLinkFactory, webRtcAvailable } from './peer-link';
import { createRoom } from './room';
import type { JoinRoomOptions, Room } from './room-types';
import { SignalingClient } from './signaling-client';
import { parseTransports, type Transport, webRtcTransport } from './transport';
import { createTimerClock } from './worker-clock';

const iceServerSchema = z.object({
  urls: z.union([
    z.string().check(z.minLength(1), z.maxLength(2048)),
    z.array(z.string().check(z.minLength(1), z.maxLength(2048))).check(z.minLength(1), z.maxLength(16)),
  ]),
  username: z.optional(z.string().check(z.maxLength(512))),
  credential: z.optional(z.string().check(z.maxLength(512))),
});

/** The options {@link joinRoom} validates (the advanced ones are passed through as given). */
const joinRoomOptionsSchema = z.object({
  signalingUrl: z.string().check(z.url('signalingUrl must be an absolute URL, e.g. location.origin')),
  room: roomNameSchema,
  secret: z.optional(z.string().check(z.minLength(1), z.maxLength(limits.secretMaxLength))),
  iceServers: z.optional(z.array(iceServerSchema).check(z.maxLength(16))),
  iceTransportPolicy: z.optional(z.enum(['all', 'relay'])),
  election: z.optional(z.record(z.string(), z.unknown())),
  timers: z.optional(z.enum(['worker', 'page'])),
  leaderPreference: z.optional(z.literal('visible')),
  hiddenLeaderMs: z.optional(z.int().check(z.minimum(0), z.maximum(3_600_000))),
  faults: z.optional(z.boolean()),
  joinTimeoutMs: z.optional(z.int().check(z.minimum(100), z.maximum(300_000))),
  sharedWork: z.optional(
    z.object({
      takeoverSyncMs: z.optional(z.int().check(z.minimum(0), z.maximum(60_000))),
      onError: z.optional(z.function()),
      callDefaults: z.optional(z.record(z.string(), z.unknown())),
    }),
  ),
});

const defaultJoinTimeoutMs = 10_000;

/**
 * Joins a room: connects to the signaling server, joins `room`, links with every peer in it over WebRTC data
 * channels and starts the election. Resolves once the server admitted this tab (links open and the leader is
 * found right after: watch {@link Room.subscribe}).
 *
 * Also ties the room to the page's lifecycle (`page-lifecycle.ts`): on `pagehide` (close, navigation, the
 * back-forward cache) it leaves at once, so a leaving leader hands over and its peers drop its links in
 * milliseconds instead of 15 s; a page restored from the back-forward cache rejoins under the same id; on
 * `freeze` a leader hands over before the browser stops the page.
 *
 * @example
 * const room = await joinRoom({ signalingUrl: location.origin, room: 'lobby' });
 * room.subscribe(() => console.log(room.snapshot().leaderId));
 * @throws {JoinRoomError} `invalid-options`, `no-webrtc`, `timeout`, or the server's refusal (`forbidden`,
 * `room-full`, ...). Nothing stays running after a rejection.
 */
export async function joinRoom(options: JoinRoomOptions): Promise<Room> {
  const parsed = joinRoomOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new JoinRoomError('invalid-options', `invalid joinRoom options: ${z.prettifyError(parsed.error)}`);
  }
  try {
    resolveConfig(options.election);
  } catch (error) {
    if (error instanceof ElectionConfigError) throw new JoinRoomError('invalid-options', error.message);
    throw error;
  }
  const kinds = parseTransports(options.transports);
  if (!kinds) {
    throw new JoinRoomError(
      'invalid-options',
      "invalid joinRoom options: transports must list 'local' and/or 'webrtc', each at most once",
    );
  }
  if (kinds.includes('webrtc') && !webRtcAvailable(options)) {
    throw new JoinRoomError('no-webrtc', 'this environment has no WebRTC (in Node, pass the `wrtc` option)');
  }

  const clock = createTimerClock({ timers: options.timers ?? 'worker' });
  const signaling = new SignalingClient({
    url: options.signalingUrl,
    room: options.room,
    secret: options.secret,
    clock,
    socketOptions: options.socketOptions,
  });
  let joined: Awaited<ReturnType<SignalingClient['join']>>;
  try {
    joined = await signaling.join(options.joinTimeoutMs ?? defaultJoinTimeoutMs);
  } catch (error) {
    signaling.close();
    clock.dispose();
    throw error;
  }

  const createLink = simplePeerLinkFactory({
    iceServers: options.iceServers ?? [],
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    SimplePeer: options.SimplePeer,
    wrtc: options.wrtc,
  });
  // Built again for each session: a page restored from the back-forward cache resumes with fresh ones.
  const openTransports = async (): Promise<Transport[]> => {
    const transports: Transport[] = [];
    for (const kind of kinds) {
      if (kind === 'webrtc') {
        transports.push(webRtcTransport(createLink));
        continue;
      }
      const local = await createLocalTransport({
        selfId: joined.id,
        signalingUrl: options.signalingUrl,
        room: options.room,
        secret: options.secret,
        clock,
      });
      if (local) transports.push(local);
    }
    return transports;
  };
  const transports = await openTransports();
  const room = createRoom({
    name: options.room,
    signaling,
    // The members now, not as the join answered: peers that joined or left while the transports were set up
    // were told to no listener yet (a tab that never learns a member never links with it over the channel).
    joined: { id: joined.id, peers: signaling.members() },
    clock,
    createLink,
    transports,
    reopenTransports: openTransports,
    election: options.election,
    faults: options.faults,
    sharedWork: options.sharedWork,
    agent: describeAgent((globalThis as { navigator?: Parameters<typeof describeAgent>[0] }).navigator),
    leaderPreference: options.leaderPreference,
    hiddenLeaderMs: options.hiddenLeaderMs,
  });
  installPageLifecycle(room, {
    window: boundListeners(globalThis),
    document: boundListeners(globalThis.document),
    visibilityState: () => (globalThis.document as { visibilityState?: string } | undefined)?.visibilityState,
  });
  return room;
}

/**
 * The page's listener methods, bound now (a test's stand-in may be gone by the time the room is left);
 * undefined outside a browser.
 */
function boundListeners(target: unknown): ListenerTarget | undefined {
  const candidate = target as Partial<ListenerTarget> | undefined;
  const add = candidate?.addEventListener;
  const remove = candidate?.removeEventListener;
  if (typeof add !== 'function' || typeof remove !== 'function') return undefined;
  return { addEventListener: add.bind(candidate), removeEventListener: remove.bind(candidate) };
}
