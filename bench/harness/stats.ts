/** A scenario's outcome in one repetition: milliseconds, or why there is no number. */
export type Sample = number | 'timeout' | 'skipped';

export interface Summary {
  readonly median: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
  /** Repetitions with a number. */
  readonly n: number;
  readonly timeouts: number;
  readonly skipped: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median, min and max of the numeric samples; timeouts and skipped repetitions are counted, not averaged in. */
export function summarize(samples: readonly Sample[]): Summary {
  const numbers = samples.filter((sample): sample is number => typeof sample === 'number');
  return {
    median: median(numbers),
    min: numbers.length > 0 ? Math.min(...numbers) : undefined,
    max: numbers.length > 0 ? Math.max(...numbers) : undefined,
    n: numbers.length,
    timeouts: samples.filter((sample) => sample === 'timeout').length,
    skipped: samples.filter((sample) => sample === 'skipped').length,
  };
}

/** a / b, or undefined when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0) return undefined;
  return a / b;
}
