/**
 * Wraps a change subscription so that a burst of changes (a join/leave storm in an open room makes hundreds
 * per second) costs at most one call per `intervalMs`: the first change of a quiet period is passed on at
 * once, later ones are merged into one trailing call. Renders are the dashboard's main cost under churn, and
 * CPU a busy tab spends rendering is CPU its election does not get.
 */
export function coalesceChanges(
  subscribe: (listener: () => void) => () => void,
  intervalMs: number,
  now: () => number = () => performance.now(),
): (listener: () => void) => () => void {
  return (listener) => {
    let lastCall = Number.NEGATIVE_INFINITY;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const call = (): void => {
      timer = undefined;
      lastCall = now();
      listener();
    };
    const unsubscribe = subscribe(() => {
      if (timer !== undefined) return;
      const wait = lastCall + intervalMs - now();
      if (wait <= 0) call();
      else timer = setTimeout(call, wait);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  };
}
