import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  browserDefaults,
  compareIds,
  createElection,
  ElectionConfigError,
  fabricDefaults,
  isElectionWireMessage,
  lowestId,
  messageLimits,
  parseElectionMessage,
  resolveConfig,
  systemClock,
} from '../src/index';
import { manualAdapter } from './helpers';

describe('compareIds: bytes.Compare on UTF-8', () => {
  const byBytes = (a: string, b: string) => {
    const x = new TextEncoder().encode(a);
    const y = new TextEncoder().encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number) ? -1 : 1;
    }
    return Math.sign(x.length - y.length);
  };

  // Code points from every UTF-8 length class, around the surrogate gap where UTF-16 order differs.
  const codePoint = fc.oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xffff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  );
  const text = (maxLength: number) =>
    fc.array(codePoint, { maxLength }).map((points) => String.fromCodePoint(...points));

  it('agrees with comparing the encoded bytes, for any Unicode strings', () => {
    fc.assert(
      // A shared prefix makes the strings differ deep inside, not only at their first character.
      fc.property(text(4), text(6), text(6), (prefix, a, b) => {
        expect(compareIds(prefix + a, prefix + b)).toBe(byBytes(prefix + a, prefix + b));
      }),
      { numRuns: 1000 },
    );
  });

  it('differs from UTF-16 order where it must: a supplementary character sorts above U+FFFD', () => {
    expect('😀' < '\uFFFD').toBe(true); // JavaScript's order
    expect(compareIds('😀', '\uFFFD')).toBe(1); // UTF-8's order
    expect(compareIds('ab', 'abc')).toBe(-1);
    expect(compareIds('b', 'abc')).toBe(1);
    expect(compareIds('x', 'x')).toBe(0);
    expect(lowestId(['c', 'a', 'b'])).toBe('a');
    expect(lowestId([])).toBeUndefined();
  });
});

describe('messages', () => {
  it('accepts the three message types', () => {
    for (const message of [
      { type: 'proposal', sender: 'a', term: 0 },
      { type: 'declaration', sender: 'a', term: 12 },
      { type: 'abdication', sender: 'a', term: 3, successor: 'b' },
      { type: 'abdication', sender: 'a', term: 3 },
    ]) {
      expect(parseElectionMessage(message)).toEqual({ ok: true, message });
      expect(isElectionWireMessage(message)).toBe(true);
    }
  });

  it('rejects, with a reason, anything else', () => {
    const long = 'x'.repeat(messageLimits.peerIdMaxLength + 1);
    for (const bad of [
      null,
      42,
      'declaration',
      { type: 'coup', sender: 'a', term: 1 },
      { type: 'declaration', sender: '', term: 1 },
      { type: 'declaration', sender: long, term: 1 },
      { type: 'declaration', sender: 'a', term: -1 },
      { type: 'declaration', sender: 'a', term: 1.5 },
      { type: 'declaration', sender: 'a', term: messageLimits.maxTerm + 1 },
      { type: 'declaration', sender: 'a' },
      { type: 'declaration', sender: 'a', term: 1, extra: true },
      { type: 'abdication', sender: 'a', term: 1, successor: long },
    ]) {
      const result = parseElectionMessage(bad);
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^invalid election message/);
      if (!(typeof bad === 'object' && bad !== null && 'extra' in bad)) {
        expect(isElectionWireMessage(bad), JSON.stringify(bad)).toBe(false);
      }
    }
  });

  it('the cheap guard accepts nothing the schema rejects, except unknown extra fields', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            type: fc.constantFrom('proposal', 'declaration', 'abdication', 'other'),
            sender: fc.string({ maxLength: 140 }),
            term: fc.oneof(fc.integer(), fc.double()),
            successor: fc.string({ maxLength: 140 }),
          },
          { requiredKeys: ['type', 'sender', 'term'] },
        ),
        (raw) => {
          // Only abdications may carry a successor (the schema is strict; the guard ignores extra fields).
          const { successor, ...rest } = raw;
          const value = raw.type === 'abdication' ? raw : rest;
          expect(isElectionWireMessage(value)).toBe(parseElectionMessage(value).ok);
          expect(successor === undefined || typeof successor === 'string').toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('config', () => {
  it("exports Fabric's defaults and the browser defaults", () => {
    expect(fabricDefaults).toMatchObject({
      startupGracePeriod: 15000,
      membershipSampleInterval: 1000,
      leaderAliveThreshold: 10000,
      leaderElectionDuration: 5000,
    });
    expect(resolveConfig(undefined)).toEqual(browserDefaults);
    expect(resolveConfig({ leaderAliveThreshold: 2000 })).toEqual({
      ...browserDefaults,
      leaderAliveThreshold: 2000,
    });
    expect(resolveConfig({}, fabricDefaults)).toEqual(fabricDefaults);
  });

  it('rejects a config that cannot work, naming every problem', () => {
    const attempt = (config: unknown) => {
      try {
        resolveConfig(config as never);
      } catch (error) {
        expect(error).toBeInstanceOf(ElectionConfigError);
        return (error as ElectionConfigError).issues;
      }
      throw new Error(`accepted ${JSON.stringify(config)}`);
    };
    expect(attempt({ leaderAliveThreshold: -1 })).toEqual([expect.stringMatching(/^leaderAliveThreshold/)]);
    expect(attempt({ leaderElectionDuration: Number.NaN, membershipSampleInterval: 0 })).toHaveLength(2);
    expect(attempt({ startupGracePeriod: 1e12 })).toHaveLength(1);
    expect(attempt({ leaderAliveTreshold: 5 })).toHaveLength(1); // a typo is not silently ignored
    expect(attempt({ proposalBackoff: 400 })[0]).toMatch(/proposalBackoff/);
    expect(() =>
      createElection({ id: 'a', adapter: manualAdapter().adapter, config: { leaderElectionDuration: 0 } }),
    ).toThrow(ElectionConfigError);
  });

  it('rejects an empty or oversized id', () => {
    const { adapter } = manualAdapter();
    expect(() => createElection({ id: '', adapter })).toThrow(TypeError);
    expect(() => createElection({ id: 'x'.repeat(200), adapter })).toThrow(TypeError);
  });
});

describe('systemClock', () => {
  it('runs a callback on real time, and can cancel one', async () => {
    const started = systemClock.now();
    const cancelled = systemClock.setTimeout(() => {
      throw new Error('should have been cancelled');
    }, 1);
    systemClock.clearTimeout(cancelled);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 5));
    expect(systemClock.now() - started).toBeGreaterThanOrEqual(4);
  });
});
