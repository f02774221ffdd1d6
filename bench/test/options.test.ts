import { describe, expect, it } from 'vitest';
import { parseOptions } from '../harness/options';

describe('parseOptions', () => {
  it('runs every contender at 2, 8 and 16 tabs, 5 repetitions and a 30 s steady window by default', () => {
    expect(parseOptions([])).toMatchObject({
      tabs: [2, 8, 16],
      reps: 5,
      fabricReps: 5,
      contenders: ['conclave', 'fabric', 'bc'],
      arrangements: ['same', 'cross', 'hosts'],
      steadyMs: 30_000,
      quick: false,
    });
  });

  it('--quick runs 2 and 8 tabs, 2 repetitions, 5 s of steady state', () => {
    expect(parseOptions(['--quick'])).toMatchObject({ tabs: [2, 8], reps: 2, steadyMs: 5_000 });
  });

  it('explicit flags override --quick', () => {
    expect(parseOptions(['--quick', '--tabs', '4', '--reps', '3', '--fabric-reps', '1'])).toMatchObject({
      tabs: [4],
      reps: 3,
      fabricReps: 1,
    });
  });

  it('--arrangement picks one arrangement, a list, both (the loopback two) or all', () => {
    expect(parseOptions(['--arrangement', 'same']).arrangements).toEqual(['same']);
    expect(parseOptions(['--arrangement', 'cross']).arrangements).toEqual(['cross']);
    expect(parseOptions(['--arrangement', 'hosts']).arrangements).toEqual(['hosts']);
    expect(parseOptions(['--arrangement', 'both']).arrangements).toEqual(['same', 'cross']);
    expect(parseOptions(['--arrangement', 'all']).arrangements).toEqual(['same', 'cross', 'hosts']);
    expect(parseOptions(['--arrangement', 'hosts,cross']).arrangements).toEqual(['cross', 'hosts']);
  });

  it('rejects bad values with a readable error', () => {
    expect(() => parseOptions(['--tabs', '1'])).toThrow(/at least 2 tabs/);
    expect(() => parseOptions(['--tabs', 'x'])).toThrow(/--tabs/);
    expect(() => parseOptions(['--contenders', 'nope'])).toThrow(/unknown "nope"/);
    expect(() => parseOptions(['--arrangement', 'mixed'])).toThrow(/unknown "mixed"/);
    expect(() => parseOptions(['--frobnicate'])).toThrow();
  });
});
