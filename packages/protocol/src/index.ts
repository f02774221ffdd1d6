/**
 * The signaling protocol spoken between `apps/signaling` and `packages/mesh`: typed Socket.IO events,
 * their zod schemas (both directions) and the limits both sides enforce. Nothing of the election passes
 * through it. It also holds the few small mechanisms every Conclave package shares (listener sets, token
 * bucket, backoff, JSON size), so each exists once.
 * @packageDocumentation
 */
export * from './backoff';
export * from './errors';
export * from './events';
export * from './json-size';
export * from './limits';
export * from './listeners';
export * from './schemas';
export * from './server-messages';
export * from './token-bucket';
