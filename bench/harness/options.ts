import { parseArgs } from 'node:util';
import type { ContenderId } from './contenders';

/** What one bench run does. */
export interface BenchOptions {
  readonly tabs: readonly number[];
  readonly reps: number;
  /** Repetitions for the slow Fabric-timings contender (fewer keeps a full run near 25 minutes). */
  readonly fabricReps: number;
  readonly contenders: readonly ContenderId[];
  /** Steady-state window per measurement (ms). */
  readonly steadyMs: number;
  /** In how many repetitions (the first ones) steady state is measured. */
  readonly steadyReps: number;
  readonly trace: boolean;
  readonly quick: boolean;
}

export const usage = `usage: npm run bench -- [--quick] [--tabs 2,8,16] [--reps 5] [--fabric-reps N]
                         [--contenders conclave,fabric,bc] [--steady-seconds 30] [--steady-reps 1] [--trace]
  --quick           2 and 8 tabs, 2 repetitions, 5 s steady state
  --trace           keep every tab's timeline in bench/results/trace-<date>.json`;

function positiveIntegers(text: string, name: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 1 || value > 64)) {
    throw new Error(`--${name} takes integers from 1 to 64, comma-separated (got "${text}")`);
  }
  return values;
}

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const [value] = positiveIntegers(text, name);
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
      'steady-seconds': { type: 'string' },
      'steady-reps': { type: 'string' },
      trace: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const tabs = values.tabs ? positiveIntegers(values.tabs, 'tabs') : quick ? [2, 8] : [2, 8, 16];
  if (tabs.some((count) => count < 2)) throw new Error('--tabs: a room needs at least 2 tabs');
  const reps = positiveInteger(values.reps, 'reps', quick ? 2 : 5);
  const contenders = values.contenders
    ? values.contenders.split(',').map((id) => id.trim())
    : [...contenderIds];
  for (const id of contenders) {
    if (!contenderIds.includes(id as ContenderId)) {
      throw new Error(`--contenders: unknown "${id}" (known: ${contenderIds.join(', ')})`);
    }
  }
  return {
    tabs,
    reps,
    fabricReps: positiveInteger(values['fabric-reps'], 'fabric-reps', reps),
    contenders: contenders as ContenderId[],
    steadyMs: positiveInteger(values['steady-seconds'], 'steady-seconds', quick ? 5 : 30) * 1000,
    steadyReps: positiveInteger(values['steady-reps'], 'steady-reps', 1),
    trace: values.trace ?? false,
    quick,
  };
}
