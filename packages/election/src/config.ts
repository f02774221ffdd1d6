import * as z from 'zod/mini';
import type { ElectionConfig } from './types';
import './zod-english';

/** An {@link ElectionConfig} with every field present (what the election runs with). */
export type ResolvedElectionConfig = Required<ElectionConfig>;

/** Hyperledger Fabric's defaults: 15 s grace, 1 s sampling, 10 s alive threshold, 5 s elections, no backoff. */
export const fabricDefaults: Readonly<ResolvedElectionConfig> = Object.freeze({
  startupGracePeriod: 15_000,
  membershipSampleInterval: 1_000,
  leaderAliveThreshold: 10_000,
  leaderElectionDuration: 5_000,
  proposalBackoff: 0,
});

/**
 * Defaults for browser tabs meshed over WebRTC data channels (one machine or one LAN: links deliver in
 * milliseconds, and a tab that closes usually says so). Chosen for these goals with 8 tabs:
 *
 * - **First leader ≤ 1.5 s after the mesh completes.** The view is sampled every 250 ms and start-up ends at the
 *   first sample that equals the previous one, so ≤ 500 ms after the last link opened; the lowest id proposes at
 *   once (`proposalBackoff` only delays the others) and declares 300 ms later: ≈ 0.8 s. The 3 s grace caps the
 *   wait when links keep opening. It only delays a room with no leader to answer (a leader answers a newcomer
 *   as soon as their link opens, which ends the newcomer's start-up), and it is what stands between a
 *   newcomer whose links open slowly and a second leader: under load in CI a newcomer's links once took longer
 *   than the 1.5 s this used to be, and it led beside the sitting leader for 1.2 s.
 * - **Crash failover ≤ 1.5 s when only the liveness timer notices.** Followers suspect the leader exactly
 *   `leaderAliveThreshold` = 1 s after its last declaration (it declares every 500 ms, so detection takes 0.5-1 s
 *   after the crash), then the lowest remaining id proposes within 25 ms and declares 300 ms later: ≤ 1.35 s.
 *   A lower threshold would turn one late heartbeat of a busy tab (GC, a long task) into a false alarm.
 * - **Graceful failover ≤ 100 ms.** `stop()`/`yield()` gossip an abdication naming the successor, which declares
 *   at once: two message delays, independent of these numbers.
 * - **Newcomer ≤ 300 ms.** The leader answers a peer that enters its view at once (one message delay).
 * - **Only the leader sends in steady state:** one declaration per peer every 500 ms.
 *
 * `leaderElectionDuration` = 300 ms must exceed a message delay plus the backoff spread (100 ms); data channels
 * deliver in a few ms, so it leaves room for a busy tab.
 */
export const browserDefaults: Readonly<ResolvedElectionConfig> = Object.freeze({
  startupGracePeriod: 3_000,
  membershipSampleInterval: 250,
  leaderAliveThreshold: 1_000,
  leaderElectionDuration: 300,
  proposalBackoff: 100,
});

/** Thrown by {@link resolveConfig} (and so by `createElection`) for a configuration that cannot work. */
export class ElectionConfigError extends Error {
  override readonly name = 'ElectionConfigError';
  constructor(readonly issues: readonly string[]) {
    super(`invalid election config: ${issues.join('; ')}`);
  }
}

/** Longest accepted duration: one day. Longer timers are a mistake (and overflow 32-bit timer APIs). */
export const maxDurationMs = 86_400_000;

const duration = (min: number) => z.number().check(z.minimum(min), z.maximum(maxDurationMs));

const partialConfigSchema = z.strictObject({
  startupGracePeriod: z.optional(duration(0)),
  membershipSampleInterval: z.optional(duration(1)),
  leaderAliveThreshold: z.optional(duration(2)),
  leaderElectionDuration: z.optional(duration(1)),
  proposalBackoff: z.optional(duration(0)),
});

/**
 * Merges a partial config over `base` (default {@link browserDefaults}) and validates it: every field a finite
 * number of milliseconds within bounds, no unknown keys, and a backoff shorter than an election.
 * @throws {ElectionConfigError} listing every problem; nothing is changed.
 */
export function resolveConfig(
  config: Partial<ElectionConfig> | undefined,
  base: Readonly<ResolvedElectionConfig> = browserDefaults,
): ResolvedElectionConfig {
  const parsed = partialConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    throw new ElectionConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`),
    );
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  const resolved: ResolvedElectionConfig = { ...base, ...defined };
  if (resolved.proposalBackoff >= resolved.leaderElectionDuration) {
    throw new ElectionConfigError([
      `proposalBackoff (${resolved.proposalBackoff}) must be shorter than leaderElectionDuration (${resolved.leaderElectionDuration})`,
    ]);
  }
  return resolved;
}
