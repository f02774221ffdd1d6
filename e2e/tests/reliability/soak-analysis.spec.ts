import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { analyzeSoak, distribution } from '../../soak/analysis';
import type { ActionRecord, LifeTrace } from '../../soak/analysis-types';
import type { TabReport } from '../../soak/report';

// The soak's figures are only as good as the analysis that replays the tabs' reports: these tests pin it
// (no browser involved).

const report = (
  t: number,
  id: string,
  role: TabReport['role'],
  leader: string | null,
  term: number,
  view: string[],
): TabReport => ({ t, id, role, leader, term, view });

test('two leaders in one component are measured to the millisecond; in separate components they are not', () => {
  const lives: LifeTrace[] = [
    { id: 'a', reports: [report(0, 'a', 'leader', 'a', 1, ['b'])] },
    {
      id: 'b',
      reports: [
        report(0, 'b', 'follower', 'a', 1, ['a']),
        report(100, 'b', 'leader', 'b', 2, ['a']),
        report(150, 'b', 'follower', 'a', 3, ['a']),
      ],
    },
    // A newcomer leading itself before any link opened (a component of its own), then linked while still
    // leading (one component with a), then following.
    {
      id: 'c',
      reports: [
        report(300, 'c', 'leader', 'c', 1, []),
        report(320, 'c', 'leader', 'c', 1, ['a']),
        report(340, 'c', 'follower', 'a', 3, ['a']),
      ],
    },
  ];
  const analysis = analyzeSoak(lives, [], { from: 0, to: 500 });
  expect(analysis.twoLeaders.sameComponentMs).toBe(70);
  expect(analysis.twoLeaders.episodes).toEqual([
    { start: 100, end: 150, durationMs: 50, leaders: ['a', 'b'], newcomer: false },
    { start: 320, end: 340, durationMs: 20, leaders: ['a', 'c'], newcomer: true },
  ]);
  expect(analysis.twoLeaders.anywhereMs).toBe(90);
  expect(analysis.twoLeaders.separateEpisodes).toBe(1);
  // Term 1 was claimed by a and by the newcomer c: reported, but nobody followed c, so fencing is intact.
  expect(analysis.terms.claimedByTwoLeaders).toEqual([{ term: 1, leaders: ['a', 'c'] }]);
  expect(analysis.terms.followedUnderTwoLeaders).toEqual([]);
  expect(analysis.terms.newcomer).toBe(1);
  // The sole leader never changed hands (b and c led alongside a, not instead of it).
  expect(analysis.takeovers).toEqual([]);
});

test('a term under which tabs followed two different leaders is reported', () => {
  const lives: LifeTrace[] = [
    { id: 'a', reports: [report(0, 'a', 'leader', 'a', 4, ['c'])] },
    { id: 'b', reports: [report(0, 'b', 'leader', 'b', 4, ['d'])] },
    { id: 'c', reports: [report(0, 'c', 'follower', 'a', 4, ['a'])] },
    { id: 'd', reports: [report(0, 'd', 'follower', 'b', 4, ['b'])] },
  ];
  const { terms } = analyzeSoak(lives, [], { from: 0, to: 100 });
  expect(terms.followedUnderTwoLeaders).toEqual([{ term: 4, leaders: ['a', 'b'] }]);
  expect(terms.claimedByTwoLeaders).toEqual([{ term: 4, leaders: ['a', 'b'] }]);
  // Two groups that never heard each other: no tab followed both, so nothing fenced went back.
  expect(terms.fencingBreaks).toEqual([]);
});

test('a tab that follows a second leader under the same term, or an older term, breaks fencing', () => {
  const lives: LifeTrace[] = [
    {
      id: 'c',
      reports: [
        report(0, 'c', 'follower', 'a', 4, ['a', 'b']),
        report(10, 'c', 'follower', null, 4, ['a', 'b']),
        report(20, 'c', 'follower', 'a', 4, ['a', 'b']),
        report(30, 'c', 'follower', 'b', 4, ['a', 'b']),
        report(40, 'c', 'leader', 'c', 5, ['a', 'b']),
        report(50, 'c', 'leader', 'c', 6, ['a', 'b']),
        report(60, 'c', 'follower', 'a', 3, ['a', 'b']),
      ],
    },
  ];
  expect(analyzeSoak(lives, [], { from: 0, to: 100 }).terms.fencingBreaks).toEqual([
    { id: 'c', at: 30, from: { term: 4, leaderId: 'a' }, to: { term: 4, leaderId: 'b' } },
    { id: 'c', at: 60, from: { term: 6, leaderId: 'c' }, to: { term: 3, leaderId: 'a' } },
  ]);
});

test('a change of leader while the old one lives and no action touched it is a takeover', () => {
  const lives: LifeTrace[] = [
    {
      id: 'a',
      reports: [report(0, 'a', 'leader', 'a', 1, ['b']), report(200, 'a', 'follower', 'b', 2, ['b'])],
    },
    {
      id: 'b',
      reports: [report(0, 'b', 'follower', 'a', 1, ['a']), report(200, 'b', 'leader', 'b', 2, ['a'])],
    },
  ];
  expect(analyzeSoak(lives, [], { from: 0, to: 400 }).takeovers).toEqual([
    { at: 200, from: 'a', to: 'b', newcomer: false },
  ]);
  const yielded: ActionRecord = { at: 150, kind: 'reload', targetId: 'a', targetWasLeader: true };
  expect(analyzeSoak(lives, [yielded], { from: 0, to: 400 }).takeovers).toEqual([]);
});

test('a leader crash opens a gap from the crash to the next leader, attributed to the crash', () => {
  const lives: LifeTrace[] = [
    { id: 'a', reports: [report(0, 'a', 'leader', 'a', 1, ['b', 'c'])], endedAt: 1_000 },
    {
      id: 'b',
      reports: [
        report(0, 'b', 'follower', 'a', 1, ['a', 'c']),
        report(2_000, 'b', 'follower', null, 1, ['c']),
        report(2_300, 'b', 'leader', 'b', 2, ['c']),
      ],
    },
    {
      id: 'c',
      reports: [
        report(0, 'c', 'follower', 'a', 1, ['a', 'b']),
        report(2_310, 'c', 'follower', 'b', 2, ['b']),
      ],
    },
  ];
  const actions: ActionRecord[] = [{ at: 1_000, kind: 'crash', targetId: 'a', targetWasLeader: true }];
  const analysis = analyzeSoak(lives, actions, { from: 0, to: 3_000 });
  expect(analysis.leaderless.gaps).toEqual([
    { start: 1_000, end: 2_300, durationMs: 1_300, cause: 'crash', agreedAfterMs: 1_310, unfinished: false },
  ]);
  expect(analysis.leaderless.byCause.crash).toEqual({
    count: 1,
    medianMs: 1_300,
    p95Ms: 1_300,
    maxMs: 1_300,
  });
  expect(analysis.leaderless.unfinished).toBe(0);
  expect(analysis.takeovers).toEqual([]);
  expect(analysis.terms).toEqual({
    leaderships: 2,
    newcomer: 0,
    highest: 2,
    claimedByTwoLeaders: [],
    followedUnderTwoLeaders: [],
    fencingBreaks: [],
  });
});

test('a gap still open when observation ends is an unfinished failover', () => {
  const lives: LifeTrace[] = [
    { id: 'a', reports: [report(0, 'a', 'leader', 'a', 1, ['b'])], endedAt: 100 },
    { id: 'b', reports: [report(0, 'b', 'follower', 'a', 1, ['a'])] },
  ];
  const analysis = analyzeSoak(lives, [{ at: 100, kind: 'leave', targetId: 'a', targetWasLeader: true }], {
    from: 0,
    to: 400,
  });
  expect(analysis.leaderless.unfinished).toBe(1);
  expect(analysis.leaderless.gaps[0]).toMatchObject({
    start: 100,
    end: 400,
    cause: 'leave',
    unfinished: true,
  });
  expect(analysis.leaderless.byCause.leave.count).toBe(0);
});

test('distribution: nearest-rank median, p95 and max', () => {
  expect(distribution([])).toEqual({ count: 0, medianMs: undefined, p95Ms: undefined, maxMs: undefined });
  expect(distribution([5, 1, 3])).toEqual({ count: 3, medianMs: 3, p95Ms: 5, maxMs: 5 });
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(distribution(hundred)).toEqual({ count: 100, medianMs: 50, p95Ms: 95, maxMs: 100 });
});

/** The state of every live life at integer time `t`, by the definition the analysis documents. */
function statesAt(lives: readonly LifeTrace[], t: number, to: number): TabReport[] {
  return lives.flatMap((life) => {
    const sorted = [...life.reports].sort((a, b) => a.t - b.t);
    const first = sorted[0];
    if (first === undefined) return [];
    const end = Math.min(to, Math.max(life.endedAt ?? to, sorted.at(-1)!.t));
    if (t < first.t || t >= end) return [];
    return [sorted.filter((r) => r.t <= t).at(-1)!];
  });
}

/** Whether two of `leaders` are connected through the views (either side's view is an edge), by search. */
function leadersConnected(states: readonly TabReport[]): boolean {
  const ids = new Set(states.map((s) => s.id));
  const neighbours = (id: string) =>
    states.flatMap((s) =>
      s.id === id ? s.view.filter((p) => ids.has(p)) : s.view.includes(id) ? [s.id] : [],
    );
  const leaders = states.filter((s) => s.role === 'leader').map((s) => s.id);
  for (const start of leaders) {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      for (const next of neighbours(queue.shift()!)) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    if (leaders.some((other) => other !== start && seen.has(other))) return true;
  }
  return false;
}

test('matches a millisecond-by-millisecond replay on random traces', () => {
  const ids = ['a', 'b', 'c', 'd'];
  const life = fc
    .record({
      id: fc.constantFrom(...ids),
      reports: fc.array(
        fc.record({
          t: fc.integer({ min: 0, max: 200 }),
          role: fc.constantFrom<TabReport['role']>('leader', 'follower'),
          leader: fc.option(fc.constantFrom(...ids), { nil: null }),
          term: fc.integer({ min: 0, max: 3 }),
          view: fc.subarray(ids),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      endedAt: fc.option(fc.integer({ min: 0, max: 220 }), { nil: undefined }),
    })
    .map(
      ({ id, reports, endedAt }): LifeTrace => ({
        id,
        // Distinct times per life: a page never reports twice in the same millisecond with two states.
        reports: [...new Map(reports.map((r) => [r.t, { ...r, id }])).values()],
        endedAt,
      }),
    );
  fc.assert(
    fc.property(fc.uniqueArray(life, { selector: (l) => l.id, minLength: 1, maxLength: 4 }), (lives) => {
      const window = { from: 0, to: 220 };
      const analysis = analyzeSoak(lives, [], window);
      let anywhere = 0;
      let together = 0;
      let leaderless = 0;
      for (let t = window.from; t < window.to; t++) {
        const states = statesAt(lives, t, window.to);
        const leaders = states.filter((s) => s.role === 'leader').length;
        if (leaders >= 2) anywhere++;
        if (leaders >= 2 && leadersConnected(states)) together++;
        if (leaders === 0 && states.length > 0) leaderless++;
      }
      expect(analysis.twoLeaders.anywhereMs).toBe(anywhere);
      expect(analysis.twoLeaders.sameComponentMs).toBe(together);
      expect(analysis.leaderless.gaps.reduce((sum, gap) => sum + gap.durationMs, 0)).toBe(leaderless);
      expect(analysis.twoLeaders.episodes.reduce((sum, e) => sum + e.durationMs, 0)).toBe(together);
    }),
    { numRuns: 500 },
  );
});
