/** Absolute epoch milliseconds with sub-millisecond resolution, comparable across tabs and with Node's `Date.now()`. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
