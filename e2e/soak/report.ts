/** What every tab pushes to the soak, every 100 ms and on every change of its room. */
export interface TabReport {
  /** The page's own clock (`Date.now()` in the tab) when it took the report. */
  readonly t: number;
  /** The tab's peer id: one per page load (a reload joins under a new id). */
  readonly id: string;
  readonly role: 'leader' | 'follower';
  /** The leader it follows (itself when leading); null while unknown. */
  readonly leader: string | null;
  readonly term: number;
  /** The peers its election sees (open data channels). */
  readonly view: readonly string[];
}

/** Name of the binding the pages call with each {@link TabReport}. */
export const reportBinding = '__conclaveSoakReport';

/**
 * The init script every page runs: once the dashboard exposes the room (`window.conclave`, `?test=1`), it
 * reports the room's state every `intervalMs` and after every change, through the binding. Plain JavaScript
 * text rather than a function: tools that compile the driver (tsx keeps function names with helper calls)
 * must not leak into the page.
 */
export function reporterScript(binding: string, intervalMs: number): string {
  return `(() => {
  let subscribed;
  const report = () => {
    const room = window.conclave;
    const send = window[${JSON.stringify(binding)}];
    if (room === undefined || typeof send !== 'function') return;
    if (room !== subscribed) {
      subscribed = room;
      room.subscribe(report);
    }
    const snapshot = room.snapshot();
    send({
      t: Date.now(),
      id: snapshot.selfId,
      role: snapshot.role,
      leader: snapshot.leaderId ?? null,
      term: snapshot.term,
      view: [...room.peers()],
    }).catch(() => {});
  };
  setInterval(report, ${Number(intervalMs)});
})();`;
}
