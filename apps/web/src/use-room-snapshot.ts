import type { Room, RoomSnapshot } from '@conclave/mesh';
import { useCallback, useSyncExternalStore } from 'react';
import { coalesceChanges } from './coalesce-changes';

/** At most one render per this many ms from room changes (the first change of a quiet period renders at once). */
const renderIntervalMs = 100;

/** The room's current snapshot; re-renders after changes, a burst of them coalesced (see coalesceChanges). */
export function useRoomSnapshot(room: Room): RoomSnapshot {
  const subscribe = useCallback(
    (listener: () => void) => coalesceChanges((inner) => room.subscribe(inner), renderIntervalMs)(listener),
    [room],
  );
  const snapshot = useCallback(() => room.snapshot(), [room]);
  return useSyncExternalStore(subscribe, snapshot);
}
