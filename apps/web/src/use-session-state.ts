import { useSyncExternalStore } from 'react';
import type { RoomSession, SessionState } from './room-session';

/** The session's state; re-renders when the tab joins, leaves or fails to join. */
export function useSessionState(session: RoomSession): SessionState {
  return useSyncExternalStore(session.subscribe, session.state);
}
