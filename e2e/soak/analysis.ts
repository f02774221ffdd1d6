import type {
  ActionRecord,
  Distribution,
  Episode,
  FencingBreak,
  Gap,
  LifeTrace,
  SharedTerm,
  SoakAnalysis,
  Takeover,
} from './analysis-types';
import type { TabReport } from './report';

/** How close (ms) an action must precede a gap to be its cause: the pages' reports lag the driver a little. */
const causeSlackMs = 50;

interface Life {
  readonly id: string;
  readonly reports: readonly TabReport[];
  readonly start: number;
  readonly end: number;
}

/**
 * Replays the lives' reports as one timeline over `[from, to]` and measures the invariants: each life's state
 * is its latest report, from its first report until it ended.
 */
export function analyzeSoak(
  traces: readonly LifeTrace[],
  actions: readonly ActionRecord[],
  window: { readonly from: number; readonly to: number },
): SoakAnalysis {
  const lives = traces.flatMap((trace): Life[] => {
    const sorted = [...trace.reports].sort((a, b) => a.t - b.t);
    const first = sorted[0];
    const last = sorted.at(-1);
    if (first === undefined || last === undefined) return [];
    // The life lasts until its last report, even one that only repeats the state (dropped just below).
    const reports = dedupe(sorted);
    const end = Math.min(window.to, Math.max(trace.endedAt ?? window.to, last.t));
    return first.t < end ? [{ id: trace.id, reports, start: first.t, end }] : [];
  });
  const sortedActions = [...actions].sort((a, b) => a.at - b.at);

  const points = new Set<number>([window.from, window.to]);
  for (const life of lives) {
    for (const report of life.reports) points.add(report.t);
    points.add(life.start);
    points.add(life.end);
  }
  const times = [...points].filter((t) => t >= window.from && t <= window.to).sort((a, b) => a - b);

  const cursor = new Map<string, number>();
  let anywhereMs = 0;
  let sameComponentMs = 0;
  let separateEpisodes = 0;
  const episodes: Episode[] = [];
  let openEpisode: { start: number; end: number; leaders: Set<string> } | undefined;
  let openSeparate = false;
  const gaps: { start: number; end: number }[] = [];
  const takeovers: Takeover[] = [];
  const newcomer = newcomerLeaderships(lives, window.from);
  let lastLeader: string | undefined;
  const segments: { start: number; end: number; states: Map<string, TabReport> }[] = [];

  for (let k = 0; k + 1 < times.length; k++) {
    const start = times[k]!;
    const end = times[k + 1]!;
    const states = new Map<string, TabReport>();
    for (const life of lives) {
      if (life.start > start || life.end <= start) continue;
      let index = cursor.get(life.id) ?? 0;
      while (index + 1 < life.reports.length && life.reports[index + 1]!.t <= start) index++;
      cursor.set(life.id, index);
      states.set(life.id, life.reports[index]!);
    }
    segments.push({ start, end, states });
    const duration = end - start;
    const leaders = [...states.values()].filter((state) => state.role === 'leader').map((state) => state.id);

    if (leaders.length >= 2) {
      anywhereMs += duration;
      const together = leadersSharingAComponent(states, leaders);
      if (together.length >= 2) {
        sameComponentMs += duration;
        if (openEpisode && openEpisode.end === start) {
          openEpisode.end = end;
          for (const id of together) openEpisode.leaders.add(id);
        } else {
          if (openEpisode) episodes.push(closeEpisode(openEpisode, newcomer));
          openEpisode = { start, end, leaders: new Set(together) };
        }
      } else if (!openSeparate) {
        separateEpisodes++;
      }
      openSeparate = together.length < 2;
    } else {
      openSeparate = false;
    }
    if (openEpisode && openEpisode.end !== end) {
      episodes.push(closeEpisode(openEpisode, newcomer));
      openEpisode = undefined;
    }

    if (leaders.length === 0 && states.size > 0) {
      const previous = gaps.at(-1);
      if (previous && previous.end === start) previous.end = end;
      else gaps.push({ start, end });
    }

    if (leaders.length === 1) {
      const leader = leaders[0]!;
      if (lastLeader !== undefined && leader !== lastLeader && states.has(lastLeader)) {
        const touched = sortedActions.some(
          (action) => action.targetId === lastLeader && action.at <= start + causeSlackMs,
        );
        if (!touched)
          takeovers.push({ at: start, from: lastLeader, to: leader, newcomer: newcomer(leader, start) });
      }
      lastLeader = leader;
    }
  }
  if (openEpisode) episodes.push(closeEpisode(openEpisode, newcomer));

  const finishedGaps = gaps.map((gap): Gap => {
    const cause = causeOf(gap.start, sortedActions);
    return {
      start: gap.start,
      end: gap.end,
      durationMs: gap.end - gap.start,
      cause,
      agreedAfterMs: agreementAfter(gap, segments),
      unfinished: gap.end >= window.to,
    };
  });

  return {
    observedMs: window.to - window.from,
    lives: lives.length,
    reports: traces.reduce((sum, trace) => sum + trace.reports.length, 0),
    twoLeaders: { anywhereMs, sameComponentMs, episodes, separateEpisodes },
    leaderless: {
      gaps: finishedGaps,
      byCause: byCause(finishedGaps, (gap) => gap.durationMs),
      agreement: byCause(finishedGaps, (gap) => gap.agreedAfterMs),
      unfinished: finishedGaps.filter((gap) => gap.unfinished).length,
    },
    takeovers,
    terms: termsOf(lives, newcomer),
  };
}

/** Drops reports that repeat the previous one's state (keeps the first of each run). */
function dedupe(reports: readonly TabReport[]): TabReport[] {
  const kept: TabReport[] = [];
  for (const report of reports) {
    const previous = kept.at(-1);
    if (previous && sameState(previous, report)) continue;
    kept.push(report);
  }
  return kept;
}

function sameState(a: TabReport, b: TabReport): boolean {
  return (
    a.role === b.role &&
    a.leader === b.leader &&
    a.term === b.term &&
    a.view.length === b.view.length &&
    a.view.every((peer, i) => peer === b.view[i])
  );
}

/** The leaders that share a connected component with another leader; an edge is either side's view. */
function leadersSharingAComponent(
  states: ReadonlyMap<string, TabReport>,
  leaders: readonly string[],
): string[] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const id of states.keys()) parent.set(id, id);
  for (const [id, state] of states) {
    for (const peer of state.view) if (parent.has(peer)) parent.set(find(peer), find(id));
  }
  const perComponent = new Map<string, string[]>();
  for (const leader of leaders) {
    const root = find(leader);
    perComponent.set(root, [...(perComponent.get(root) ?? []), leader]);
  }
  return [...perComponent.values()].filter((group) => group.length >= 2).flat();
}

function closeEpisode(
  episode: { start: number; end: number; leaders: Set<string> },
  newcomer: (leader: string, at: number) => boolean,
): Episode {
  const leaders = [...episode.leaders].sort();
  return {
    start: episode.start,
    end: episode.end,
    durationMs: episode.end - episode.start,
    leaders,
    newcomer: leaders.some((leader) => newcomer(leader, episode.start)),
  };
}

/**
 * Whether `leader`'s leadership current at `at` is a newcomer's that began before it had heard of any
 * leader: its life started after `from` (it joined during the soak), and no report before the one where its
 * role last turned to `leader` names a leader.
 */
function newcomerLeaderships(lives: readonly Life[], from: number): (leader: string, at: number) => boolean {
  const byId = new Map(lives.map((life) => [life.id, life]));
  return (leader, at) => {
    const life = byId.get(leader);
    if (life === undefined || life.start <= from) return false;
    let heardOfALeader = false;
    let newcomer = false;
    for (const [i, report] of life.reports.entries()) {
      if (report.t > at) break;
      if (report.role === 'leader' && life.reports[i - 1]?.role !== 'leader') newcomer = !heardOfALeader;
      if (report.role === 'follower' && report.leader !== null) heardOfALeader = true;
    }
    return newcomer;
  };
}

/** The latest action at or before `start` (within {@link causeSlackMs} after it) that took a leader away. */
function causeOf(start: number, actions: readonly ActionRecord[]): Gap['cause'] {
  for (let i = actions.length - 1; i >= 0; i--) {
    const action = actions[i]!;
    if (action.at > start + causeSlackMs) continue;
    return action.targetWasLeader && action.kind !== 'join' ? action.kind : 'none';
  }
  return 'none';
}

/**
 * When, after a gap, every life that was alive at its start and is still alive follows one leader under one
 * term (the leader included); undefined if that never happens before observation ends.
 */
function agreementAfter(
  gap: { start: number; end: number },
  segments: readonly { start: number; end: number; states: Map<string, TabReport> }[],
): number | undefined {
  const first = segments.find((segment) => segment.start <= gap.start && gap.start < segment.end);
  if (!first) return undefined;
  const present = [...first.states.keys()];
  for (const segment of segments) {
    if (segment.start < gap.end) continue;
    const states = present.flatMap((id) => segment.states.get(id) ?? []);
    const leader = states.find((state) => state.role === 'leader');
    if (leader === undefined) continue;
    const agreed = states.every((state) => state.leader === leader.id && state.term === leader.term);
    if (agreed) return segment.start - gap.start;
  }
  return undefined;
}

function byCause(
  gaps: readonly Gap[],
  value: (gap: Gap) => number | undefined,
): Record<Gap['cause'], Distribution> {
  const causes: Gap['cause'][] = ['crash', 'leave', 'reload', 'none'];
  return Object.fromEntries(
    causes.map((cause) => [
      cause,
      distribution(
        gaps.filter((gap) => gap.cause === cause && !gap.unfinished).flatMap((gap) => value(gap) ?? []),
      ),
    ]),
  ) as Record<Gap['cause'], Distribution>;
}

/** Count, median, 95th percentile (nearest rank) and maximum. */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    count: sorted.length,
    medianMs: sorted.length === 0 ? undefined : rank(0.5),
    p95Ms: sorted.length === 0 ? undefined : rank(0.95),
    maxMs: sorted.at(-1),
  };
}

function termsOf(
  lives: readonly Life[],
  newcomer: (leader: string, at: number) => boolean,
): SoakAnalysis['terms'] {
  const claimed = new Map<number, Set<string>>();
  const followed = new Map<number, Set<string>>();
  const newcomerClaims = new Set<string>();
  let highest = 0;
  const add = (map: Map<number, Set<string>>, term: number, leader: string) => {
    const set = map.get(term) ?? new Set<string>();
    set.add(leader);
    map.set(term, set);
  };
  for (const life of lives) {
    for (const report of life.reports) {
      if (report.term > highest) highest = report.term;
      if (report.role === 'leader') {
        add(claimed, report.term, report.id);
        if (newcomer(report.id, report.t)) newcomerClaims.add(`${report.term}/${report.id}`);
      } else if (report.leader !== null && report.term > 0) {
        add(followed, report.term, report.leader);
      }
    }
  }
  const shared = (map: Map<number, Set<string>>): SharedTerm[] =>
    [...map]
      .filter(([, leaders]) => leaders.size >= 2)
      .map(([term, leaders]) => ({ term, leaders: [...leaders].sort() }))
      .sort((a, b) => a.term - b.term);
  return {
    leaderships: [...claimed.values()].reduce((sum, leaders) => sum + leaders.size, 0),
    newcomer: newcomerClaims.size,
    highest,
    claimedByTwoLeaders: shared(claimed),
    followedUnderTwoLeaders: shared(followed),
    fencingBreaks: lives.flatMap(fencingBreaksOf),
  };
}

/**
 * The leaderships a life followed or held, in order: each must have a higher term than the one before. So a
 * tab never returns to an older leadership (what fencing by `(term, leaderId)` needs), and never follows a
 * second leader under a term it already followed or held (the rule in known-leadership.ts).
 */
function fencingBreaksOf(life: Life): FencingBreak[] {
  const breaks: FencingBreak[] = [];
  let previous: FencingBreak['from'] | undefined;
  for (const report of life.reports) {
    const leaderId = report.role === 'leader' ? report.id : report.leader;
    if (leaderId === null || report.term === 0) continue;
    const current = { term: report.term, leaderId };
    if (previous?.term === current.term && previous.leaderId === current.leaderId) continue;
    if (previous !== undefined && current.term <= previous.term) {
      breaks.push({ id: life.id, at: report.t, from: previous, to: current });
    }
    previous = current;
  }
  return breaks;
}
