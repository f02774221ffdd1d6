import { z } from 'zod/mini';

/** What the attacker process is told to do (argv), validated on its side. */
export const stormSettingsSchema = z.object({
  /** The signaling server's `http://host:port`. */
  url: z.string().check(z.maxLength(200)),
  room: z.string().check(z.minLength(1), z.maxLength(64)),
  connections: z.number().check(z.int(), z.minimum(1), z.maximum(200)),
  /** How long the storm lasts; it stops by itself after that. */
  durationMs: z.number().check(z.int(), z.minimum(100), z.maximum(60_000)),
  joinsPerSecondPerConnection: z.number().check(z.minimum(0.1), z.maximum(50)),
  /** A bound on each connection's joins, whatever the pace. */
  maxJoinsPerConnection: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)),
  /** Loopback address to connect from, so per-address limits tell the attacker from the tabs. */
  localAddress: z.string().check(z.maxLength(64)),
});
export type StormSettings = z.infer<typeof stormSettingsSchema>;

const count = z.number().check(z.int(), z.minimum(0));

/** What the attacker process reports on stdout (one JSON line), validated by the test. */
export const stormReportSchema = z.object({
  connections: z.object({ attempted: count, open: count, refused: count }),
  joins: z.object({
    attempted: count,
    admitted: count,
    /** Refused by the room's join budget. */
    roomLimited: count,
    /** Refused by the connection's own event budget (the attacker paces itself to stay under it). */
    socketLimited: count,
    otherErrors: count,
  }),
  durationMs: count,
});
export type StormReport = z.infer<typeof stormReportSchema>;
