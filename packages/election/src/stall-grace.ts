/**
 * How long a follower's liveness check waits before suspecting a silent leader when the check itself ran late.
 *
 * A check that runs well after it was due means this peer's own event loop was stalled (a long task, a CPU
 * shared with busier work, a frozen tab): the leader's declarations that arrived meanwhile may still wait in
 * its queue behind the timer, and a leader starved by the same machine missed its heartbeat for the same
 * reason and sends it as soon as it runs again. Suspecting at once would turn our own stall into an election;
 * waiting one heartbeat interval lets those declarations arrive. The grace is given at most once per silence,
 * so a truly dead leader is still suspected at most that much later.
 *
 * @param threshold the leader alive threshold (ms)
 * @param lateness how long after its due time the check ran (ms)
 * @returns the grace in ms, or 0 to suspect now (the check ran on time)
 */
export function stallGrace(threshold: number, lateness: number): number {
  // Timers on an idle event loop fire within a few ms; 1% of the threshold (10 ms with the browser
  // defaults) is already a stall.
  if (lateness <= threshold / 100) return 0;
  // One heartbeat interval: a leader that runs again when we do declares within it.
  return threshold / 2;
}
