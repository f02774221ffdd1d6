/**
 * The Conclave signaling server: a hardened Socket.IO server speaking `@conclave/protocol`, which also
 * serves the built web app, `/healthz` and `/metrics`. With Redis it scales out across servers.
 * @packageDocumentation
 */
export type { Health } from './http-routes';
export {
  type LogLevel,
  logLevels,
  resolveOptions,
  type SignalingServerInput,
  type SignalingServerOptions,
  signalingServerOptionsSchema,
} from './options';
export { type SignalingServer, type SignalingTestHooks, startSignalingServer } from './server';
export type { InterServerEvents, PeerRecord, SignalingIo, SignalingSocket, SocketData } from './types';
