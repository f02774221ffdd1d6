import { z } from 'zod';

/**
 * What a bench page reports to the harness (through the `benchReport` binding). Every `at` is an absolute
 * epoch-ms timestamp (`performance.timeOrigin + performance.now()`), so tabs and Node can be compared.
 */
export const benchEventSchema = z.discriminatedUnion('kind', [
  /**
   * The page has joined (Conclave: `joinRoom` resolved; broadcast-channel: elector created); `navigatedAt` is
   * when its navigation started (`performance.timeOrigin`).
   */
  z.strictObject({
    kind: z.literal('ready'),
    at: z.number(),
    selfId: z.string().min(1).max(128),
    navigatedAt: z.number(),
  }),
  /** The number of open links changed (Conclave only). */
  z.strictObject({ kind: z.literal('links'), at: z.number(), open: z.number().int().nonnegative() }),
  /** The leader this tab follows (or leads) changed, or its term did. */
  z.strictObject({
    kind: z.literal('leader'),
    at: z.number(),
    leaderId: z.string().min(1).max(128).optional(),
    term: z.number().int().nonnegative(),
  }),
  /** The page started to go away: its first `beforeunload` or `pagehide` listener ran (before the implementation's). */
  z.strictObject({ kind: z.literal('leaving'), at: z.number(), event: z.enum(['beforeunload', 'pagehide']) }),
  /** Another tab of the room (`selfId`) told this one that it started to go away at `at`. */
  z.strictObject({
    kind: z.literal('peer-leaving'),
    at: z.number(),
    event: z.enum(['beforeunload', 'pagehide']),
    selfId: z.string().min(1).max(128),
  }),
  /** Something the harness should show (an exception in the page, a duplicate leader...). */
  z.strictObject({ kind: z.literal('problem'), at: z.number(), message: z.string().max(2000) }),
]);

export type BenchEvent = z.infer<typeof benchEventSchema>;

/** Messages and bytes sent, by channel. */
export interface TrafficCount {
  messages: number;
  bytes: number;
}

/** Everything a page has sent since it loaded, per transport. */
export interface TrafficCounters {
  /** RTCDataChannel.send: the mesh (election gossip and application messages). */
  dataChannel: TrafficCount;
  /** WebSocket.send: signaling (Socket.IO, including its heartbeats). */
  webSocket: TrafficCount;
  /** broadcast-channel's own messages (its leader election). */
  broadcastChannel: TrafficCount;
  /** The bench's own "who leads" status broadcast on the broadcast-channel page (not the library's). */
  status: TrafficCount;
}

export const trafficCountSchema = z.strictObject({
  messages: z.number().nonnegative(),
  bytes: z.number().nonnegative(),
});

export const trafficCountersSchema = z.strictObject({
  dataChannel: trafficCountSchema,
  webSocket: trafficCountSchema,
  broadcastChannel: trafficCountSchema,
  status: trafficCountSchema,
});
