/**
 * The browser transport of Conclave: `joinRoom` connects to the signaling server, keeps a WebRTC data-channel
 * mesh with every other tab of the room, and runs the leader election over it.
 * @packageDocumentation
 */

/** The order the election ranks ids by (lowest wins a contest); draw or sort peers with it to match. */
export { compareIds } from '@conclave/election';
export type { Listeners } from '@conclave/protocol';
export { meshElectionAdapter } from './election-adapter';
export { JoinRoomError, type JoinRoomErrorCode } from './errors';
export { FaultTable, type PeerFault, type RawSender } from './fault-injector';
export { withFaults } from './faulty-transport';
export { joinRoom } from './join-room';
export { type MeshTimings, meshLimits, meshTimings } from './limits';
export type { Link, LinkCallbacks, LinkFactory, LinkState } from './link';
export type { LinkSignal, SimplePeerSignal } from './link-signal';
export type { LocalCrashNotice, LocalTransportStats } from './local-transport';
export { Mesh, type MeshOptions, type MeshPeer } from './mesh';
export type { MeshStats } from './mesh-stats';
export { describeAgent, maxAgentTextLength, type PeerAgent } from './peer-agent';
export type { SimplePeerConstructor, SimplePeerLinkOptions, WrtcImplementation } from './peer-link';
export type * from './room-types';
export type { SignalingStats, SignalingStatus } from './signaling-types';
export { type Transport, type TransportKind, transportKinds, webRtcTransport } from './transport';
export { type Envelope, MeshPayloadError } from './wire';
export {
  createTimerClock,
  type TimerClock,
  type TimerClockOptions,
  type WorkerLike,
} from './worker-clock';
