import type { Room, RoomSnapshot } from '@conclave/mesh';
import { useCallback, useSyncExternalStore } from 'react';

/** The room's current snapshot; re-renders on every change. */
export function useRoomSnapshot(room: Room): RoomSnapshot {
  const subscribe = useCallback((listener: () => void) => room.subscribe(listener), [room]);
  const snapshot = useCallback(() => room.snapshot(), [room]);
  return useSyncExternalStore(subscribe, snapshot);
}
