/**
 * Bounds of the shared-work layer. Every size, queue and registry that a peer can grow is bounded by one of
 * these; anything beyond is refused with a typed error (local callers) or dropped and counted (peers).
 */
export const sharedWorkLimits = {
  /** Largest JSON form of call arguments, call results and shared values, in UTF-8 bytes. */
  maxValueBytes: 32 * 1024,
  /** Largest JSON form of one app-channel message (a value plus its envelope). */
  maxMessageBytes: 34 * 1024,
  /** Calls this tab may have waiting for an answer at once. */
  maxPendingCalls: 256,
  /** Methods one tab may {@link LeaderWork.serve}. */
  maxHandlers: 256,
  /** Calls a leader runs at once, across every caller. */
  maxInflightServed: 256,
  /** Answers a leader remembers, so a retried request id gets the same answer instead of a second run. */
  maxRememberedAnswers: 256,
  /** Distinct shared values one tab holds. */
  maxSharedNames: 64,
  /** Longest method or shared-value name. */
  maxNameLength: 128,
  /** Longest request id or sync nonce. */
  maxIdLength: 64,
  /** Longest peer id carried in a payload (a `not-leader` hint). */
  maxPeerIdLength: 128,
  /** Longest error name or message carried back to a caller; longer ones are truncated. */
  maxErrorTextLength: 1024,
  /** Sync requests answered per peer: burst size, then {@link sharedWorkLimits.syncRefillPerSecond}. */
  syncBurst: 4,
  /** Sync requests answered per peer and second, after the burst. */
  syncRefillPerSecond: 2,
} as const;

export type SharedWorkLimits = typeof sharedWorkLimits;
