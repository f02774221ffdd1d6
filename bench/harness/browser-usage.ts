import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** CPU time and memory of the browser's processes, read from /proc (Linux). */
export interface BrowserUsage {
  /** Epoch ms of the reading. */
  readonly at: number;
  /** utime + stime per process id, in clock ticks. */
  readonly cpuTicks: ReadonlyMap<number, number>;
  /** Sum of the processes' proportional set size (shared pages split between sharers), in bytes. */
  readonly pssBytes: number;
  readonly processes: number;
}

/** Linux's USER_HZ: `getconf CLK_TCK` is 100 on every mainstream kernel. */
const ticksPerSecond = 100;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

interface ProcStat {
  readonly ppid: number;
  readonly ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name is in parentheses and may contain spaces: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : undefined;
}

function isBrowserProcess(pid: number): boolean {
  try {
    return /chrom/i.test(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    return false;
  }
}

/** The browser processes started by this Node process: its descendants running a Chromium binary. */
export function browserProcessIds(rootPid = process.pid): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(pid);
    children.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (isBrowserProcess(pid)) found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function pssBytes(pid: number): number {
  const text = readText(`/proc/${pid}/smaps_rollup`);
  const match = text?.match(/^Pss:\s+(\d+) kB$/m);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Reads the CPU ticks and PSS of every browser process now. */
export function readBrowserUsage(): BrowserUsage {
  const cpuTicks = new Map<number, number>();
  let pss = 0;
  for (const pid of browserProcessIds()) {
    const stat = readStat(pid);
    if (!stat) continue;
    cpuTicks.set(pid, stat.ticks);
    pss += pssBytes(pid);
  }
  return { at: Date.now(), cpuTicks, pssBytes: pss, processes: cpuTicks.size };
}

/** Browser CPU between two readings, in percent of one core (processes present in both). */
export function cpuPercent(before: BrowserUsage, after: BrowserUsage): number {
  let ticks = 0;
  for (const [pid, end] of after.cpuTicks) {
    const start = before.cpuTicks.get(pid);
    if (start !== undefined) ticks += end - start;
  }
  const seconds = (after.at - before.at) / 1000;
  return seconds > 0 ? (ticks / ticksPerSecond / seconds) * 100 : 0;
}
