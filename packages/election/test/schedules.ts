import fc from 'fast-check';
import type { ElectionConfig } from '../src/index';

/** Timings like Fabric's shape (no proposal backoff), scaled to browser speed; the property tests run both. */
export const fabricLike: Partial<ElectionConfig> = {
  startupGracePeriod: 1_500,
  membershipSampleInterval: 100,
  leaderAliveThreshold: 1_000,
  leaderElectionDuration: 400,
  proposalBackoff: 0,
};

/** The fields every random schedule shares: seed, ids, start times and link timings. */
export function scheduleBaseFields(maxPeers: number) {
  return {
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    // Hex ids of different lengths: bytes.Compare order is not numeric order.
    peers: fc
      .uniqueArray(fc.integer({ min: 0, max: 0xfff }), { minLength: 2, maxLength: maxPeers })
      .map((ns) => ns.map((n) => n.toString(16))),
    starts: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000 })), {
      minLength: maxPeers,
      maxLength: maxPeers,
    }),
    latencyMax: fc.integer({ min: 1, max: 40 }),
    jitter: fc.integer({ min: 0, max: 20 }),
  };
}
