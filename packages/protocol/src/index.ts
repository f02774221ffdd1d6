/**
 * The signaling protocol spoken between `apps/signaling` and `packages/mesh`: typed Socket.IO events,
 * their zod schemas (both directions) and the limits both sides enforce. Nothing of the election passes through it.
 * @packageDocumentation
 */
export * from './errors';
export * from './events';
export * from './limits';
export * from './schemas';
export * from './server-messages';
