/**
 * Conclave's leader election: Hyperledger Fabric's gossip election, ported to a deterministic TypeScript
 * state machine, extended with terms, fast hand-over and instant answers to newcomers.
 * @packageDocumentation
 */
export type * from './types';
