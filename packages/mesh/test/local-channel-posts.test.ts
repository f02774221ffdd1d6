import { describe, expect, it } from 'vitest';
import { meshLimits, meshTimings } from '../src/limits';
import { maxBatchChars, maxBatchItems } from '../src/local-message';
import { browser, id, others } from './local-browser';

/** The posts of one kind on the bus since `from` (an index into `posted`). */
function posts(posted: readonly unknown[], from: number, kind: string) {
  return posted.slice(from).filter((message) => (message as { t?: unknown }).t === kind) as {
    from: string;
    to?: unknown;
    locked?: unknown;
    items?: unknown[];
  }[];
}

// Every post on a BroadcastChannel wakes every tab of the room in the profile: these tests pin how many a
// room makes, since that (not bytes) is what a local room costs when tabs load together on a busy machine.
describe('what a local room posts on its channel', () => {
  it("a newcomer's announcement is answered once by each tab, addressed to it, and never answered back", async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3))];
    await b.run(50);
    const before = b.bus.posted.length;
    tabs.push(b.join(id(4)));
    await b.run(50);
    for (const tab of tabs) expect(tab.mesh.view()).toEqual(others(tabs, tab));
    const heres = posts(b.bus.posted, before, 'here');
    expect(heres.filter((here) => here.from === id(4))).toEqual([{ v: 1, t: 'here', from: id(4) }]);
    // Each answer says the answering tab holds its lock, so no separate `locked` post follows it.
    expect(
      heres.filter((here) => here.from !== id(4)).map(({ from, to, locked }) => [from, to, locked]),
    ).toEqual([
      [id(1), id(4), true],
      [id(2), id(4), true],
      [id(3), id(4), true],
    ]);
    expect(posts(b.bus.posted, before, 'locked').map((message) => message.from)).toEqual([id(4)]);
  });

  it('tabs that announce themselves at once all meet, with one announcement each', async () => {
    const b = browser();
    const tabs = [1, 2, 3, 4, 5].map((n) => b.join(id(n)));
    await b.run(50);
    for (const tab of tabs) expect(tab.mesh.view()).toEqual(others(tabs, tab));
    const heres = posts(b.bus.posted, 0, 'here');
    expect(heres.filter((here) => here.to === undefined)).toHaveLength(5);
    // Tab n is answered by the n-1 tabs that were on the channel when it announced itself.
    expect(heres.filter((here) => here.to !== undefined)).toHaveLength(0 + 1 + 2 + 3 + 4);
  });

  it('what a tab sends in one turn is one post, and each tab gets its own messages once, in order', async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3)), b.join(id(4))];
    await b.run(500); // linked, and the link reports sent
    const got = new Map<string, unknown[]>();
    for (const tab of tabs.slice(1)) {
      got.set(tab.id, []);
      tab.mesh.onApp.add((_from, payload) => got.get(tab.id)!.push(payload));
    }
    const before = b.bus.posted.length;
    const [one] = tabs;
    one!.mesh.send(id(2), { ch: 'app', payload: 'a' });
    one!.mesh.send(id(3), { ch: 'app', payload: 'b' });
    one!.mesh.broadcast({ ch: 'app', payload: 'c' });
    one!.mesh.send(id(2), { ch: 'app', payload: 'd' });
    one!.mesh.send(id(2), { ch: 'app', payload: 'd' }); // the same message twice is two messages
    await b.run(5);
    expect(b.bus.posted.length - before).toBe(1);
    expect(posts(b.bus.posted, before, 'batch')[0]?.items).toHaveLength(5);
    expect(Object.fromEntries(got)).toEqual({
      [id(2)]: ['a', 'c', 'd', 'd'],
      [id(3)]: ['b', 'c'],
      [id(4)]: ['c'],
    });
  });

  it(`splits a turn's data into batches of at most ${maxBatchItems} items and ${maxBatchChars} characters`, async () => {
    const b = browser();
    const [one, two] = [b.join(id(1)), b.join(id(2))];
    await b.run(500);
    let delivered = 0;
    two.mesh.onApp.add(() => delivered++);
    const before = b.bus.posted.length;
    const count = maxBatchItems + 3;
    for (let i = 0; i < count; i++) one.mesh.send(id(2), { ch: 'app', payload: i });
    one.mesh.send(id(2), { ch: 'app', payload: 'x'.repeat(maxBatchChars - 100) });
    one.mesh.send(id(2), { ch: 'app', payload: 'y'.repeat(maxBatchChars - 100) });
    await b.run(5);
    const sent = b.bus.posted.slice(before) as { t: string; items?: { d: string }[] }[];
    for (const post of sent) {
      expect(post.items?.length ?? 1).toBeLessThanOrEqual(maxBatchItems);
      expect((post.items ?? []).reduce((sum, item) => sum + item.d.length, 0)).toBeLessThanOrEqual(
        maxBatchChars,
      );
    }
    // 32 small ones; the last 3 with the first big one (it fits); the second big one alone.
    expect(sent.map((post) => post.items?.length ?? 1)).toEqual([maxBatchItems, 4, 1]);
    expect(delivered).toBe(count + 2);
  });

  it('drops and counts bad batches; a batch from a tab it has no link with delivers nothing', async () => {
    const b = browser();
    const [one, two] = [b.join(id(1)), b.join(id(2))];
    const outsider = b.open(id(9)); // on the channel, never in the signaling room
    await b.run(500);
    let delivered = 0;
    one.mesh.onApp.add(() => delivered++);
    const app = (n: number) => JSON.stringify({ ch: 'app', payload: n });
    const item = { to: id(1), d: app(1) };
    const bad = [
      { v: 1, t: 'batch', from: id(2), items: [item] }, // a batch of one is a `data`
      { v: 1, t: 'batch', from: id(2), items: Array.from({ length: maxBatchItems + 1 }, () => item) },
      { v: 1, t: 'batch', from: id(2), items: [item, { to: id(1), d: 'x'.repeat(maxBatchChars) }] },
      { v: 1, t: 'batch', from: id(2), items: [item, { to: 'nope', d: app(2) }] },
      { v: 1, t: 'batch', from: id(2), items: [item, { to: id(1), d: 7 }] },
    ];
    for (const message of bad) b.bus.inject(message);
    b.bus.inject({ v: 1, t: 'batch', from: id(1), items: [item, item] }); // claims to be tab 1 itself
    b.bus.inject({ v: 1, t: 'batch', from: id(9), items: [item, item] }); // no link with tab 1
    // Addressed to other tabs only: skipped unread, as on a busy channel most posts are.
    b.bus.inject({
      v: 1,
      t: 'batch',
      from: id(2),
      items: [
        { to: id(3), d: app(3) },
        { to: id(4), d: 'junk' },
      ],
    });
    await b.run(5);
    expect(one.local.stats().dropped).toMatchObject({ invalid: bad.length, spoofed: 1, unlinked: 2 });
    expect(delivered).toBe(0);
    expect(one.mesh.view()).toEqual([id(2)]);
    expect(outsider.mesh.view()).toEqual([]);
    // A good batch still arrives whole.
    b.bus.inject({ v: 1, t: 'batch', from: id(2), items: [item, { to: [id(1), id(3)], d: app(2) }] });
    await b.run(5);
    expect(delivered).toBe(2);
    expect(two.mesh.view()).toEqual([id(1)]);
  });

  it("a crashed tab's end costs its watchers no post to it: no close, and no probe ping for signaling's notice", async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3))];
    await b.run(500);
    const before = b.bus.posted.length;
    b.bus.remove(tabs[2]!.channel);
    b.locks?.crash(id(3));
    for (const tab of tabs.slice(0, 2)) tab.mesh.peerLeft(id(3)); // signaling saw its socket close too
    await b.run(meshTimings.watchedProbeDelayMs + 500);
    expect(tabs[0]!.mesh.view()).toEqual([id(2)]);
    const toDead = b.bus.posted.slice(before).filter((message) => {
      const { to, items } = message as { to?: unknown; items?: { to: unknown }[] };
      const recipients = [to, ...(items ?? []).map((item) => item.to)].flat();
      return recipients.includes(id(3));
    });
    expect(toDead).toEqual([]);
  });

  it('a watched tab that signaling reports gone is probed only after a delay, and kept when it answers', async () => {
    for (const locks of [true, false]) {
      const b = browser({ locks });
      const [one] = [b.join(id(1)), b.join(id(2))];
      await b.run(500);
      const pings = () =>
        b.bus.posted.filter((message) => JSON.stringify(message).includes('\\"ch\\":\\"ping\\"')).length;
      const before = pings();
      one.mesh.peerLeft(id(2)); // tab 2 lost its signaling connection, but lives
      await b.run(meshTimings.watchedProbeDelayMs - 10);
      expect(pings() - before).toBe(locks ? 0 : 1);
      await b.run(1_000);
      expect(pings() - before).toBe(1);
      expect(one.mesh.view()).toEqual([id(2)]); // it answered: the link stays
    }
  });

  it(`keeps at most ${meshLimits.maxPeers} announced tabs, with or without Web Locks, and answers no more`, async () => {
    for (const locks of [true, false]) {
      const b = browser({ locks });
      const tab = b.join(id(1));
      await b.run(50);
      const before = b.bus.posted.length;
      const extra = 5;
      for (let n = 2; n < 2 + meshLimits.maxPeers + extra; n++)
        b.bus.inject({ v: 1, t: 'here', from: id(n) });
      await b.run(5);
      expect(tab.local.stats().reachable).toBe(meshLimits.maxPeers);
      expect(tab.local.stats().dropped.refused).toBe(extra);
      expect(posts(b.bus.posted, before, 'here')).toHaveLength(meshLimits.maxPeers);
    }
  });
});
