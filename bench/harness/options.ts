import { parseArgs } from 'node:util';
import type { ContenderId } from './contenders';

/**
 * Where a room's tabs live: `same` = every tab in one browser context (one profile, so tabs can reach each
 * other without the network); `cross` = the tabs split over two browser processes, so every link between the
 * halves is WebRTC; `hosts` = the tabs split over two test hosts (network namespaces on a bridge, one Chromium
 * each), so a host's link can really go down and a host's browser can really die.
 */
export type Arrangement = 'same' | 'cross' | 'hosts';
export const arrangements: readonly Arrangement[] = ['same', 'cross', 'hosts'];

/** `--arrangement` shorthands: `both` is the two loopback arrangements (as before `hosts` existed). */
const arrangementSets: Readonly<Record<string, readonly Arrangement[]>> = {
  all: arrangements,
  both: ['same', 'cross'],
};

/** What one bench run does. */
export interface BenchOptions {
  readonly tabs: readonly number[];
  readonly reps: number;
  /** Repetitions for the slow Fabric-timings contender (fewer keeps a full run near 25 minutes). */
  readonly fabricReps: number;
  readonly contenders: readonly ContenderId[];
  /** Which arrangements to run (the cross-browser and two-host ones run Conclave with its defaults only). */
  readonly arrangements: readonly Arrangement[];
  /** Steady-state window per measurement (ms). */
  readonly steadyMs: number;
  /** In how many repetitions steady state is measured: the first ones that agree on a leader. */
  readonly steadyReps: number;
  readonly trace: boolean;
  readonly quick: boolean;
  /** Bench the packages as committed at this git ref instead of the working tree. */
  readonly ref: string | undefined;
}

export const usage = `usage: npm run bench -- [--quick] [--tabs 2,8,16] [--reps 5] [--fabric-reps N]
                         [--contenders conclave,fabric,bc] [--arrangement same|cross|hosts|both|all]
                         [--steady-seconds 30] [--steady-reps 1] [--trace] [--ref <git ref>]
  --quick           2 and 8 tabs, 2 repetitions, 5 s steady state
  --arrangement     same: every tab in one browser; cross: tabs split over two browsers (WebRTC between
                    them; Conclave with its defaults only); hosts: tabs split over two test hosts (network
                    namespaces, one browser each; needs root, skipped otherwise); both = same,cross;
                    all (default) = same,cross,hosts; or a comma-separated list
  --ref HEAD        bench the packages as committed (not the working tree being edited)
  --trace           keep every tab's timeline in bench/results/trace-<date>.json`;

function integers(text: string, name: string, min = 1): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < min || value > 64)) {
    throw new Error(`--${name} takes integers from ${min} to 64, comma-separated (got "${text}")`);
  }
  return values;
}

function integer(text: string | undefined, name: string, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const [value] = integers(text, name, min);
  return value!;
}

const contenderIds: readonly ContenderId[] = ['conclave', 'fabric', 'bc'];

/** Parses the command line; throws a readable error on bad flags. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      tabs: { type: 'string' },
      reps: { type: 'string' },
      'fabric-reps': { type: 'string' },
      contenders: { type: 'string' },
      arrangement: { type: 'string', default: 'all' },
      'steady-seconds': { type: 'string' },
      'steady-reps': { type: 'string' },
      trace: { type: 'boolean', default: false },
      ref: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const tabs = values.tabs ? integers(values.tabs, 'tabs') : quick ? [2, 8] : [2, 8, 16];
  if (tabs.some((count) => count < 2)) throw new Error('--tabs: a room needs at least 2 tabs');
  const reps = integer(values.reps, 'reps', quick ? 2 : 5);
  const contenders = values.contenders
    ? values.contenders.split(',').map((id) => id.trim())
    : [...contenderIds];
  for (const id of contenders) {
    if (!contenderIds.includes(id as ContenderId)) {
      throw new Error(`--contenders: unknown "${id}" (known: ${contenderIds.join(', ')})`);
    }
  }
  const chosen = new Set<Arrangement>();
  for (const part of (values.arrangement ?? 'all').split(',').map((text) => text.trim())) {
    const set =
      arrangementSets[part] ?? (arrangements.includes(part as Arrangement) ? [part as Arrangement] : []);
    if (set.length === 0)
      throw new Error(`--arrangement: unknown "${part}" (known: same, cross, hosts, both, all)`);
    for (const arrangement of set) chosen.add(arrangement);
  }
  return {
    tabs,
    reps,
    fabricReps: integer(values['fabric-reps'], 'fabric-reps', reps),
    contenders: contenders as ContenderId[],
    // In the canonical order, whatever order the flag named them in.
    arrangements: arrangements.filter((arrangement) => chosen.has(arrangement)),
    steadyMs: integer(values['steady-seconds'], 'steady-seconds', quick ? 5 : 30) * 1000,
    steadyReps: integer(values['steady-reps'], 'steady-reps', 1, 0),
    trace: values.trace ?? false,
    quick,
    ref: values.ref,
  };
}
