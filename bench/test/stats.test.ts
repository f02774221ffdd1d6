import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, ratio, summarize } from '../harness/stats';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it('has as many values at or below it as at or above it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1 }), (values) => {
        const m = median(values)!;
        expect(values.filter((v) => v <= m).length).toBeGreaterThanOrEqual(values.length / 2);
        expect(values.filter((v) => v >= m).length).toBeGreaterThanOrEqual(values.length / 2);
      }),
    );
  });
});

describe('summarize', () => {
  it('keeps timeouts and skipped repetitions out of the numbers but counts them', () => {
    expect(summarize([30, 'timeout', 10, 'skipped', 20])).toEqual({
      median: 20,
      min: 10,
      max: 30,
      n: 3,
      timeouts: 1,
      skipped: 1,
    });
  });

  it('has no numbers when every repetition timed out', () => {
    expect(summarize(['timeout', 'timeout'])).toMatchObject({ median: undefined, n: 0, timeouts: 2 });
  });
});

describe('ratio', () => {
  it('is undefined without both values or with a zero denominator', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(undefined, 4)).toBeUndefined();
    expect(ratio(1, 0)).toBeUndefined();
  });
});
