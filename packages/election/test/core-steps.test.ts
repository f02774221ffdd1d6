import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config';
import type { ElectionEffect, ElectionInput, ViewReader } from '../src/core/io';
import { ElectionCore } from '../src/core/step';
import type { ElectionWireMessage } from '../src/messages';

/**
 * Table tests on the pure election core: a state reached by a few inputs, one more input, and exactly the
 * effects that must come out (in order). No simulator, no clock: time and view are given with each step.
 */

const config = resolveConfig({
  startupGracePeriod: 1_000,
  membershipSampleInterval: 100,
  leaderAliveThreshold: 1_000,
  leaderElectionDuration: 200,
  proposalBackoff: 0,
});

function view(...peers: string[]): ViewReader {
  return {
    peers: () => peers,
    has: (peer) => peers.includes(peer),
    settling: () => false,
    roomLinked: () => undefined,
    watches: () => false,
  };
}

/** One effect as a line of text, so a table row reads like a trace. */
function line(effect: ElectionEffect): string {
  switch (effect.type) {
    case 'gossip':
      return `gossip ${message(effect.message)}`;
    case 'send':
      return `send ${effect.to} ${message(effect.message)}`;
    case 'set-timer':
      return `set ${effect.name} ${effect.delayMs}`;
    case 'cancel-timer':
      return `cancel ${effect.name}`;
    case 'report-metrics':
      return `metrics ${effect.isLeader}`;
    case 'event':
      return `event ${effect.event.type}${effect.event.reason ? ` ${effect.event.reason}` : ''}`;
    case 'leadership':
      return `callback ${effect.isLeader} t${effect.info.term} ${effect.info.leaderId ?? '-'}`;
  }
}

function message(m: ElectionWireMessage): string {
  switch (m.type) {
    case 'proposal':
      return `proposal t${m.term}${m.holder ? ` ${m.holder}` : ''}`;
    case 'declaration':
      return `declaration t${m.term}`;
    case 'abdication':
      return `abdication t${m.term}${m.successor ? ` → ${m.successor} t${m.successorTerm}` : ''}`;
    case 'leader-hint':
      return `hint ${m.leader} t${m.term}`;
  }
}

const timer = (name: Extract<ElectionInput, { type: 'timer' }>['name']): ElectionInput => ({
  type: 'timer',
  name,
});
const from = (sender: string, rest: Record<string, unknown>): ElectionInput => ({
  type: 'message',
  message: { sender, ...rest },
});

/** A core for `self` with `peers` in view, fed `inputs` at t = 0, 100, 200, …; returns it and the time. */
function after(self: string, peers: string[], inputs: ElectionInput[]) {
  const core = new ElectionCore(self, config, true);
  let now = 0;
  for (const input of inputs) {
    core.step(input, { now, view: view(...peers) });
    now += 100;
  }
  return { core, now };
}

const toLead: ElectionInput[] = [{ type: 'start' }, timer('sample'), timer('election')];
const toFollowA: ElectionInput[] = [{ type: 'start' }, from('a', { type: 'declaration', term: 1 })];

interface Row {
  readonly name: string;
  readonly self: string;
  readonly peers: string[];
  readonly before: ElectionInput[];
  readonly input: ElectionInput;
  /** When the input arrives (default: 100 ms after the last of `before`). */
  readonly at?: number;
  readonly effects: string[];
}

const rows: Row[] = [
  {
    name: 'Startup: sample the view until it settles',
    self: 'b',
    peers: ['c'],
    before: [],
    input: { type: 'start' },
    effects: ['set sample 100'],
  },
  {
    name: 'Startup → LeaderElection: the view settled, so propose and collect for D',
    self: 'b',
    peers: ['c'],
    before: [{ type: 'start' }],
    input: timer('sample'),
    effects: ['gossip proposal t0', 'event election-started startup', 'set election 200'],
  },
  {
    name: 'LeaderElection: no lower proposal, so declare yourself (beLeader)',
    self: 'b',
    peers: ['c'],
    before: [{ type: 'start' }, timer('sample')],
    input: timer('election'),
    effects: [
      'gossip declaration t1',
      'metrics true',
      'set heartbeat 500',
      'event leadership-gained elected',
      'callback true t1 b',
    ],
  },
  {
    name: 'LeaderElection: a lower id proposed, so do not declare; retry after T if it never does',
    self: 'b',
    peers: ['a', 'c'],
    before: [{ type: 'start' }, timer('sample'), from('a', { type: 'proposal', term: 0 })],
    input: timer('election'),
    effects: ['set retry 1000'],
  },
  {
    name: 'LeaderElection: a declaration arrives, so follow (the election timer is cancelled)',
    self: 'b',
    peers: ['a', 'c'],
    before: [{ type: 'start' }, timer('sample')],
    input: from('a', { type: 'declaration', term: 1 }),
    effects: ['cancel election', 'set liveness 1000', 'event leader-changed declaration', 'metrics false'],
  },
  {
    name: 'SteadyState, leader: declare every T/2',
    self: 'b',
    peers: ['c'],
    before: toLead,
    input: timer('heartbeat'),
    effects: ['gossip declaration t1', 'metrics true', 'set heartbeat 500'],
  },
  {
    name: 'SteadyState, leader: a lower id declares above our term, so become a follower (the loss names it)',
    self: 'b',
    peers: ['a', 'c'],
    before: toLead,
    input: from('a', { type: 'declaration', term: 2 }),
    effects: [
      'cancel heartbeat',
      'event leadership-lost lower-id-leader',
      'callback false t2 a',
      'metrics false',
      'set liveness 1000',
    ],
  },
  {
    name: 'Terms: a higher id declares at our term, so we outrank it rather than share the term',
    self: 'b',
    peers: ['c'],
    before: toLead,
    input: from('c', { type: 'declaration', term: 1 }),
    effects: [
      'gossip declaration t2',
      'metrics true',
      'set heartbeat 500',
      'event term-changed higher-term',
      'callback true t2 b',
    ],
  },
  {
    name: 'Terms: a stale leadership never unseats us; it is told our term',
    self: 'b',
    peers: ['a', 'c'],
    before: [...toLead, from('c', { type: 'declaration', term: 1 })],
    input: from('a', { type: 'declaration', term: 1 }),
    effects: ['send a declaration t2'],
  },
  {
    name: 'Newcomer answers: a peer new to the leader’s view is told who leads, directly',
    self: 'b',
    peers: ['c'],
    before: toLead,
    input: { type: 'view-changed' },
    effects: [],
  },
  {
    name: 'SteadyState, follower: the leader’s heartbeat re-arms nothing (liveness already due at T)',
    self: 'b',
    peers: ['a'],
    before: toFollowA,
    input: from('a', { type: 'declaration', term: 1 }),
    effects: [],
  },
  {
    name: 'SteadyState, follower: no declaration within T, so leaderKnown = false and elect',
    self: 'b',
    peers: ['a', 'c'],
    before: toFollowA,
    at: 100 + 1_000,
    input: timer('liveness'),
    effects: [
      'event leader-changed leader-silent',
      'gossip proposal t1 a',
      'event election-started leader-silent',
      'set election 200',
    ],
  },
  {
    name: 'Yield: abdicate naming the successor and its term, sit out for 6T, follow the successor at once',
    self: 'b',
    peers: ['c', 'd'],
    before: toLead,
    input: { type: 'yield' },
    effects: [
      'gossip abdication t1 → c t2',
      'cancel heartbeat',
      'set yield 6000',
      'event leadership-lost yield',
      'callback false t1 -',
      'event yielded',
      'metrics false',
      'set liveness 1000',
      'event leader-changed handover',
      'metrics false',
      'set handover 200',
    ],
  },
  {
    name: 'Abdication in one hop: a follower adopts the named successor under the named term',
    self: 'c',
    peers: ['b', 'd'],
    before: [{ type: 'start' }, from('b', { type: 'declaration', term: 1 })],
    input: from('b', { type: 'abdication', term: 1, successor: 'd', successorTerm: 2 }),
    effects: [
      'cancel liveness',
      'set liveness 1000',
      'event leader-changed handover',
      'metrics false',
      'set handover 200',
    ],
  },
  {
    name: 'Abdication: the named successor declares at once under the named term',
    self: 'c',
    peers: ['b', 'd'],
    before: [{ type: 'start' }, from('b', { type: 'declaration', term: 1 })],
    input: from('b', { type: 'abdication', term: 1, successor: 'c', successorTerm: 2 }),
    effects: [
      'cancel liveness',
      'event leader-changed handover',
      'gossip declaration t2',
      'metrics true',
      'set heartbeat 500',
      'event leadership-gained handover',
      'callback true t2 c',
    ],
  },
  {
    name: 'Fabric: a message from a peer outside the view is ignored',
    self: 'b',
    peers: ['c'],
    before: [{ type: 'start' }, timer('sample')],
    input: from('a', { type: 'declaration', term: 1 }),
    effects: [],
  },
  {
    name: 'Terms: a term far above everything known is dropped (bounded jump)',
    self: 'b',
    peers: ['a'],
    before: [{ type: 'start' }],
    input: from('a', { type: 'declaration', term: 2 ** 20 + 1 }),
    effects: [],
  },
  {
    name: 'Stop: a leader abdicates, every timer is cancelled, the timeline ends',
    self: 'b',
    peers: ['c'],
    before: toLead,
    input: { type: 'stop' },
    effects: [
      'gossip abdication t1 → c t2',
      'cancel heartbeat',
      'event leadership-lost stop',
      'callback false t1 -',
      'metrics false',
      'event stopped',
    ],
  },
  {
    name: 'a stopped core ignores everything',
    self: 'b',
    peers: ['c'],
    before: [...toLead, { type: 'stop' }],
    input: from('c', { type: 'proposal', term: 0 }),
    effects: [],
  },
  {
    name: 'a timer the core cancelled does nothing if it still fires',
    self: 'b',
    peers: ['a', 'c'],
    before: [{ type: 'start' }, timer('sample'), from('a', { type: 'declaration', term: 1 })],
    input: timer('election'),
    effects: [],
  },
];

describe('the pure election core, step by step', () => {
  it.each(rows)('$name', ({ self, peers, before, input, at, effects }) => {
    const { core, now } = after(self, peers, before);
    expect(core.step(input, { now: at ?? now, view: view(...peers) }).map(line)).toEqual(effects);
  });

  it('answers a peer that joins the leader’s view, and only that one', () => {
    const { core, now } = after('b', ['c'], toLead);
    const effects = core.step({ type: 'view-changed' }, { now, view: view('c', 'd') }).map(line);
    expect(effects).toEqual(['send d declaration t1']);
  });

  it('keeps its state between steps and reports it', () => {
    const { core } = after('b', ['c'], toLead);
    expect(core.state).toMatchObject({ id: 'b', role: 'leader', leaderId: 'b', term: 1, phase: 'steady' });
    expect(core.stats.declarationsSent).toBe(1);
    expect([...core.internals.timers.keys()]).toEqual(['heartbeat']);
  });
});

/** A view whose peers listed in `watched` are watched (ElectionAdapter.watches: Web Locks between tabs). */
function watchedView(peers: string[], watched: string[]): ViewReader {
  return { ...view(...peers), watches: (peer) => watched.includes(peer) };
}

describe('watched peers: the transport tells at once when they end, so heartbeats slow down', () => {
  const slowHeartbeat = 'set heartbeat 5000';

  it('a leader whose every peer is watched declares ten times less often; one unwatched peer restores the rate', () => {
    const core = new ElectionCore('b', config, true);
    const both = watchedView(['c', 'd'], ['c', 'd']);
    core.step({ type: 'start' }, { now: 0, view: both });
    core.step(timer('sample'), { now: 100, view: both });
    expect(core.step(timer('election'), { now: 300, view: both }).map(line)).toContain(slowHeartbeat);
    expect(core.step(timer('heartbeat'), { now: 5_300, view: both }).map(line)).toEqual([
      'gossip declaration t1',
      'metrics true',
      slowHeartbeat,
    ]);
    // A newcomer that does not watch us yet: answered at once, and the next heartbeat back at T/2.
    const withNewcomer = watchedView(['c', 'd', 'e'], ['c', 'd']);
    expect(core.step({ type: 'view-changed' }, { now: 5_400, view: withNewcomer }).map(line)).toEqual([
      'send e declaration t1',
      'set heartbeat 400',
    ]);
    expect(core.step(timer('heartbeat'), { now: 5_800, view: withNewcomer }).map(line)).toEqual([
      'gossip declaration t1',
      'metrics true',
      'set heartbeat 500',
    ]);
  });

  it('a follower that watches its leader suspects it only after ten thresholds of silence; one that does not, after one', () => {
    const declaration = from('a', { type: 'declaration', term: 1 });
    for (const [watched, threshold] of [
      [['a'], 10_000],
      [[], 1_000],
    ] as const) {
      const core = new ElectionCore('b', config, true);
      const seen = watchedView(['a', 'c'], [...watched]);
      core.step({ type: 'start' }, { now: 0, view: seen });
      expect(core.step(declaration, { now: 100, view: seen }).map(line)).toContain(
        `set liveness ${threshold}`,
      );
      expect(core.step(timer('liveness'), { now: 100 + threshold - 1, view: seen }).map(line)).toEqual([
        'set liveness 1',
      ]);
      expect(core.step(timer('liveness'), { now: 100 + threshold, view: seen }).map(line)).toContain(
        'event leader-changed leader-silent',
      );
    }
  });
});
