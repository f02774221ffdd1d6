// A plain Node ESM script: five simulated peers elect exactly one leader.
import { SimulatedCluster } from '@conclave/election/simulation';

const cluster = new SimulatedCluster({ seed: 1 });
cluster.startAll(['a', 'b', 'c', 'd', 'e']);
const at = cluster.runUntilConverged(60_000);
const leaders = cluster.leaders();
console.log(JSON.stringify({ convergedAt: at, leaders }));
process.exit(at !== undefined && leaders.length === 1 ? 0 : 1);
