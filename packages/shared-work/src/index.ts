/**
 * Leader work for Conclave rooms: the reason to elect a tab. Run a task on the leader only
 * ({@link LeaderWorkApi.runWhileLeader}), call the leader ({@link LeaderWorkApi.callLeader} /
 * {@link LeaderWorkApi.serve}), and share the leader's results with every tab ({@link LeaderWorkApi.shared}),
 * safely across hand-overs: every effect carries the leadership's term as a fencing token.
 * @packageDocumentation
 */
export { type CallOptions, defaultCallOptions, type LeaderCallResult } from './call-client';
export type { CallContext, CallHandler, ServeOptions } from './call-server';
export {
  LeaderCallError,
  type LeaderCallErrorCode,
  type LeaderCallErrorDetails,
  LeadershipEndedError,
  type LeadershipEndReason,
  NotLeaderError,
  RemoteError,
  type RemoteErrorInfo,
  SharedWorkUsageError,
  type SharedWorkUsageErrorCode,
} from './errors';
export type { LeaderTask, LeaderTaskContext } from './leader-tasks';
export {
  createLeaderWork,
  type LeaderWork,
  type LeaderWorkApi,
  type LeaderWorkErrorContext,
  type LeaderWorkOptions,
} from './leader-work';
export { type SharedWorkLimits, sharedWorkLimits } from './limits';
export type * from './room-core';
export { isNewer, type SharedEntry } from './shared-store';
export type { PublishOptions, SharedOptions, SharedValue } from './shared-value';
export type { SharedWorkStats } from './stats';
export { sharedWorkChannel } from './wire';
