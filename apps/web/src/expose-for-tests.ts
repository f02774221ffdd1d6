import type { Room } from '@conclave/mesh';
import type { RoomSession } from '@conclave/react';

declare global {
  interface Window {
    /** The joined room, for e2e tests only: set when the page was opened with `?test=1`. */
    conclave?: Room | undefined;
  }
}

/** Keeps `window.conclave` pointing at the current room (joined or leaving; undefined otherwise). */
export function exposeForTests(session: Pick<RoomSession, 'getState' | 'subscribe'>): void {
  const update = (): void => {
    window.conclave = session.getState().room;
  };
  session.subscribe(update);
  update();
}
