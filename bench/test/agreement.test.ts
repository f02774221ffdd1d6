import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreement, type TabView } from '../harness/agreement';

const tab = (selfId: string, leaderId: string | undefined, leaderSince: number): TabView => ({
  selfId,
  leaderId,
  leaderSince,
});

describe('agreement', () => {
  it('is the common leader and the moment the last tab adopted it', () => {
    const result = agreement([tab('a', 'b', 120), tab('b', 'b', 100), tab('c', 'b', 150)]);
    expect(result).toEqual({ leaderId: 'b', at: 150 });
  });

  it('is undefined while one tab follows another leader or none', () => {
    expect(agreement([tab('a', 'a', 1), tab('b', 'b', 2)])).toBeUndefined();
    expect(agreement([tab('a', 'a', 1), tab('b', undefined, 2)])).toBeUndefined();
  });

  it('does not count a leader that is not a live tab (closed or crashed)', () => {
    expect(agreement([tab('a', 'gone', 1), tab('b', 'gone', 2)])).toBeUndefined();
  });

  it('does not count an excluded leader', () => {
    expect(agreement([tab('a', 'a', 1), tab('b', 'a', 2)], new Set(['a']))).toBeUndefined();
  });

  it('is undefined for an empty room', () => {
    expect(agreement([])).toBeUndefined();
  });

  it('holds exactly when every tab names the same live tab', () => {
    const ids = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ leader: fc.constantFrom(...ids, undefined), since: fc.nat() }), {
          minLength: 1,
          maxLength: 4,
        }),
        (views) => {
          const tabs = views.map((view, i) => tab(ids[i]!, view.leader, view.since));
          const result = agreement(tabs);
          const leaders = new Set(tabs.map((t) => t.leaderId));
          const [only] = [...leaders];
          const expected = leaders.size === 1 && only !== undefined && tabs.some((t) => t.selfId === only);
          expect(result !== undefined).toBe(expected);
          if (result) expect(result.at).toBe(Math.max(...tabs.map((t) => t.leaderSince)));
        },
      ),
    );
  });
});
