import { readdir, readFile } from 'node:fs/promises';

/** Linux process helpers for the two-host arrangement, from /proc. */

/** Every process below `pid` (from /proc: each process's parent is field 4 of its stat). */
export async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(parent)) parents.set(Number(entry), parent);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === next) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** When none of `pids` exists any more (epoch ms), or undefined after `timeoutMs`. */
export async function untilGone(pids: readonly number[], timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A zombie (state Z) is dead; whether its parent reaped it yet does not matter here.
    const states = await Promise.all(
      pids.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined)),
    );
    const alive = states.filter((stat) => stat !== undefined && stat[stat.lastIndexOf(')') + 2] !== 'Z');
    if (alive.length === 0) return Date.now();
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
