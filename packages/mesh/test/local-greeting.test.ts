import type { Election, PeerId } from '@conclave/election';
import { describe, expect, it } from 'vitest';
import { leaderGreeting } from '../src/election-adapter';
import { encodeEnvelope } from '../src/wire';
import { agreeOnOneLeader, electionsOn, leaders } from './elections';
import { browser, id, type Tab } from './local-browser';

/** Tabs of one profile with their elections, greeting newcomers as a room does (see RoomSession). */
async function roomWithLeader(count: number) {
  const b = browser();
  const tabs: Tab[] = [];
  const elections: Election[] = [];
  const add = (n: number) => {
    const tab = b.join(id(n));
    const [election] = electionsOn(b.clock, [tab.mesh]);
    tab.local.greetWith(() => leaderGreeting(election!));
    tabs.push(tab);
    elections.push(election!);
    return { tab, election: election! };
  };
  for (let n = 2; n < 2 + count; n++) add(n);
  await b.run(6_000); // start-up grace, then an election
  expect(agreeOnOneLeader(elections)).toBe(true);
  const leaderId = leaders(elections)[0]!;
  return { b, tabs, elections, add, leaderId, leaderTab: tabs.find((tab) => tab.id === leaderId)! };
}

/** Every (leader, term) `election` follows from now on, in order. */
function followed(election: Election): [PeerId | undefined, number][] {
  const seen: [PeerId | undefined, number][] = [];
  election.subscribe(() => {
    const { leaderId, term } = election.state();
    const last = seen.at(-1);
    if (!last || last[0] !== leaderId || last[1] !== term) seen.push([leaderId, term]);
  });
  return seen;
}

describe("a leader's greeting on the local channel", () => {
  it('a newcomer follows the sitting leader as soon as its own side of their link opens, before the leader answers', async () => {
    const { b, add, leaderId, leaderTab } = await roomWithLeader(3);
    let ownSideOpenAt: number | undefined;
    let leaderSideOpenAt: number | undefined;
    let followedAt: number | undefined;
    const newcomer = add(9);
    newcomer.tab.mesh.onLinkOpen.add((peer) => {
      if (peer === leaderId) ownSideOpenAt ??= b.clock.now();
    });
    leaderTab.mesh.onLinkOpen.add((peer) => {
      if (peer === id(9)) leaderSideOpenAt ??= b.clock.now();
    });
    newcomer.election.subscribe(() => {
      if (newcomer.election.leaderId() === leaderId) followedAt ??= b.clock.now();
    });
    await b.run(100);
    expect(followedAt).toBeDefined();
    expect(followedAt).toBe(ownSideOpenAt);
    // The leader's own answer (its declaration once its side opens) could not have arrived yet.
    expect(leaderSideOpenAt).toBeGreaterThan(followedAt!);
    expect(newcomer.election.stats().outsideViewDropped).toBe(0);
  });

  it("only a leader's answer carries a greeting, and an announcement never does", async () => {
    const { b, tabs, add, leaderId } = await roomWithLeader(3);
    const before = b.bus.posted.length;
    add(9);
    await b.run(100);
    const heres = b.bus.posted.slice(before).filter((m) => (m as { t: string }).t === 'here') as {
      from: PeerId;
      d?: string;
    }[];
    expect(heres).toHaveLength(tabs.length);
    for (const here of heres) {
      const greeting = here.from === leaderId ? here.d : undefined;
      expect(here.d).toBe(greeting);
    }
    expect(heres.find((here) => here.from === leaderId)?.d).toBeDefined();
  });

  it('a stale greeting (a leadership that ended) is outranked by the leader: one leader per term, then agreement', async () => {
    const { b, tabs, elections, add, leaderId, leaderTab } = await roomWithLeader(3);
    const term = leaderTab.mesh && elections.find((e) => e.id === leaderId)!.term;
    // A tab that led before: its answer still says so (it answered just before it stopped leading).
    const stale = tabs.find((tab) => tab.id !== leaderId)!;
    stale.local.greetWith(() =>
      encodeEnvelope({ ch: 'election', msg: { type: 'declaration', sender: stale.id, term: term - 1 } }),
    );
    leaderTab.local.greetWith(undefined); // the leader's own answer must correct it
    const newcomer = add(9);
    const seen = followed(newcomer.election);
    await b.run(200);
    expect(agreeOnOneLeader(elections)).toBe(true);
    expect(newcomer.election.leaderId()).toBe(leaderId);
    expect(seen.at(-1)).toEqual([leaderId, term]);
    // Never two leaders under one term, and the stale one never again after the real one.
    const leaderPerTerm = new Map<number, PeerId | undefined>();
    for (const [leader, t] of seen) {
      if (leader === undefined) continue;
      expect(leaderPerTerm.get(t) ?? leader).toBe(leader);
      leaderPerTerm.set(t, leader);
    }
    const firstReal = seen.findIndex(([leader]) => leader === leaderId);
    expect(seen.slice(firstReal).every(([leader]) => leader === leaderId)).toBe(true);
  });
});
