import type { Room } from '@conclave/mesh';
import type { RoomSession } from './room-session';

declare global {
  interface Window {
    /** The joined room, for e2e tests only: set when the page was opened with `?test=1`. */
    conclave?: Room | undefined;
  }
}

/** Keeps `window.conclave` pointing at the currently joined room (undefined while not joined). */
export function exposeForTests(session: RoomSession): void {
  const update = (): void => {
    const state = session.state();
    window.conclave = state.status === 'joined' || state.status === 'leaving' ? state.room : undefined;
  };
  session.subscribe(update);
  update();
}
