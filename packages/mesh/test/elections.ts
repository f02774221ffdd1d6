import { createElection, type Election } from '@conclave/election';
import type { VirtualClock } from '@conclave/election/simulation';
import { meshElectionAdapter } from '../src/election-adapter';
import type { Mesh } from '../src/mesh';

/** Starts one election per mesh (browser defaults) on the virtual clock. */
export function electionsOn(clock: VirtualClock, meshes: readonly Mesh[]): Election[] {
  return meshes.map((mesh) => createElection({ id: mesh.selfId, adapter: meshElectionAdapter(mesh), clock }));
}

/** The leaders among running elections. */
export function leaders(elections: readonly Election[]): string[] {
  return elections.filter((e) => e.state().phase !== 'stopped' && e.isLeader()).map((e) => e.id);
}

/** True when exactly one of `elections` leads and all others follow it under the same term. */
export function agreeOnOneLeader(elections: readonly Election[]): boolean {
  const running = elections.filter((e) => e.state().phase !== 'stopped');
  const [leader, ...rest] = leaders(running);
  if (leader === undefined || rest.length > 0) return false;
  const term = running.find((e) => e.id === leader)!.term;
  return running.every((e) => e.leaderId() === leader && e.term === term);
}
