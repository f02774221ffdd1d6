/**
 * Conclave's leader election: Hyperledger Fabric's gossip election, ported to a deterministic TypeScript
 * state machine, extended with terms, fast hand-over and instant answers to newcomers.
 * @packageDocumentation
 */
export { systemClock } from './clock';
export { compareIds, lowestId } from './compare-ids';
export {
  browserDefaults,
  ElectionConfigError,
  fabricDefaults,
  maxDurationMs,
  type ResolvedElectionConfig,
  resolveConfig,
} from './config';
export { createElection } from './election';
export {
  decidePreference,
  defaultHiddenLeaderMs,
  type PreferenceDecision,
  type VisibilityFacts,
  type VisibilitySource,
  VisibleLeaderPreference,
} from './leader-preference';
export { compareLeadership, type LeadershipRef } from './leadership';
export {
  type AbdicationMessage,
  type DeclarationMessage,
  type ElectionWireMessage,
  electionMessageSchema,
  isElectionWireMessage,
  messageLimits,
  type ParseElectionMessageResult,
  type ProposalMessage,
  parseElectionMessage,
} from './messages';
export type * from './types';
