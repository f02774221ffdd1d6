import type { Room } from '@conclave/mesh';
import { createLeaderWork, type Leadership, type LeaderWork, type RoomCore } from '@conclave/shared-work';

/**
 * One tab's room, in memory: the real leader work over a {@link RoomCore} whose leadership the test sets
 * (no peers, so nothing is sent). Only the parts of {@link Room} the demo uses are real.
 */
export interface SoloRoom {
  readonly room: Room;
  readonly work: LeaderWork;
  lead(term: number): void;
  follow(leaderId: string, term: number): void;
}

export function soloRoom(id = 'a'.repeat(32)): SoloRoom {
  let leadership: Leadership = { isLeader: false, leaderId: undefined, term: 0 };
  const listeners = new Set<(leadership: Leadership) => void>();
  const core: RoomCore = {
    selfId: id,
    leadership: () => leadership,
    onLeadershipChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    peers: () => [],
    onPeerLinked: () => () => {},
    sendTo: () => false,
    broadcast: () => {},
    onAppMessage: () => () => {},
  };
  const work = createLeaderWork(core, { takeoverSyncMs: 0 });
  const set = (next: Leadership) => {
    leadership = next;
    for (const listener of [...listeners]) listener(next);
  };
  const room = { ...core, ...work, id, name: 'solo' } as unknown as Room;
  return {
    room,
    work,
    lead: (term) => set({ isLeader: true, leaderId: id, term }),
    follow: (leaderId, term) => set({ isLeader: false, leaderId, term }),
  };
}
