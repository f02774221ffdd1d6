import { z } from 'zod';

/**
 * The bench's own status messages on the broadcast-channel page. broadcast-channel's elector only tells a tab
 * whether *it* leads; to see "who leads" in every tab, the leader announces itself and a newcomer asks.
 */
export const bcStatusSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('leader'), id: z.string().min(1).max(128) }),
  z.strictObject({ type: z.literal('who-leads') }),
]);

export type BcStatus = z.infer<typeof bcStatusSchema>;
