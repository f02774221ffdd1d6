/**
 * The election's test bench: a virtual clock, a seeded random source, a simulated network (latency, jitter,
 * loss, partitions, crashes, message counts) and a cluster of elections on it. Used by the tests and the
 * benchmark; free of IO like the rest of the package.
 * @packageDocumentation
 */
export { BinaryHeap } from './binary-heap';
export {
  type ClusterOptions,
  type Convergence,
  defaultTaskBound,
  type PeerRecord,
  SimulatedCluster,
  type StartOptions,
} from './cluster';
export {
  type JoinOptions,
  type NetworkOptions,
  type NetworkStats,
  type NetworkTap,
  SimulatedNetwork,
} from './network';
export { createRandom, hash01, type Random } from './random';
export { SimulationStormError, VirtualClock, type VirtualClockOptions } from './virtual-clock';
