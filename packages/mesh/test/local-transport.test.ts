import { describe, expect, it } from 'vitest';
import { meshLimits } from '../src/limits';
import { parseTransports } from '../src/transport';
import { browser, id, others } from './local-browser';

describe('local transport', () => {
  it('links tabs of one profile over the channel, without any RTCPeerConnection', async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3))];
    await b.run(50);
    for (const tab of tabs) {
      expect(tab.mesh.view()).toEqual(others(tabs, tab));
      expect(tab.mesh.peers().map((peer) => peer.transport)).toEqual(['local', 'local']);
    }
    expect(b.rtcLinks()).toBe(0);
    let got: unknown;
    tabs[1]!.mesh.onApp.add((_from, payload) => {
      got = payload;
    });
    tabs[0]!.mesh.send(id(2), { ch: 'app', payload: { hello: 1 } });
    await b.run(5);
    expect(got).toEqual({ hello: 1 });
  });

  it('a broadcast to the local tabs is one post on the channel, and each tab gets it once', async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3)), b.join(id(4))];
    await b.run(50);
    const got: string[] = [];
    for (const tab of tabs.slice(1)) tab.mesh.onApp.add(() => got.push(tab.id));
    const posted: unknown[] = [];
    const post = tabs[0]!.channel.postMessage.bind(tabs[0]!.channel);
    tabs[0]!.channel.postMessage = (message) => {
      posted.push(message);
      post(message);
    };
    expect(tabs[0]!.mesh.broadcast({ ch: 'app', payload: { n: 1 } })).toBe(3);
    await b.run(5);
    expect(posted).toHaveLength(1);
    expect(got.sort()).toEqual([id(2), id(3), id(4)]);
  });

  it('does not ping local links for round trips when Web Locks tell of a tab ending; does without them', async () => {
    for (const locks of [true, false]) {
      const b = browser({ locks });
      const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3))];
      await b.run(500); // linked, and the links reported
      let posts = 0;
      const post = tabs[1]!.channel.postMessage.bind(tabs[1]!.channel);
      tabs[1]!.channel.postMessage = (message) => {
        posts++;
        post(message);
      };
      await b.run(12_000);
      if (locks) expect(posts).toBe(0);
      else expect(posts).toBeGreaterThan(0);
    }
  });

  it('answers a link the other tab asked for in the same turn, without waiting on a timer', async () => {
    const b = browser();
    const one = b.join(id(1));
    await b.run(50);
    // Tab 2 is on the channel and asks tab 1 for a link before signaling has listed it to tab 1.
    const two = b.open(id(2));
    two.mesh.joined([id(1)]);
    await b.run(5);
    expect(one.mesh.view()).toEqual([]);
    let openedAt: number | undefined;
    one.mesh.onLinkOpen.add(() => {
      openedAt = b.clock.now();
    });
    const listedAt = b.clock.now();
    one.mesh.peerJoined(id(2)); // listed now: tab 1's link answers tab 2's request and opens at once
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(openedAt).toBe(listedAt);
  });

  it('drops a crashed tab at once through its Web Lock, before signaling notices', async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3))];
    await b.run(50);
    expect(tabs[0]!.local.stats().crashNotice).toBe('web-locks');
    // Tab 3's process dies: no bye, no gone, its channel just goes silent; only its lock is released.
    b.bus.remove(tabs[2]!.channel);
    b.locks?.crash(id(3));
    await b.run(5);
    expect(tabs[0]!.mesh.view()).toEqual([id(2)]);
    expect(tabs[1]!.mesh.view()).toEqual([id(1)]);
  });

  it("a busy tab does not delay the others' crash notice: every watcher is granted the lock at once", async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3)), b.join(id(4))];
    await b.run(50);
    for (const tab of tabs) expect(tab.mesh.view()).toHaveLength(3);
    b.locks?.stall(id(1)); // first in the queue on tab 4's lock, and its event loop is busy
    b.bus.remove(tabs[3]!.channel);
    b.locks?.crash(id(4));
    await b.run(5);
    expect(tabs[1]!.mesh.view()).toEqual([id(1), id(3)]);
    expect(tabs[2]!.mesh.view()).toEqual([id(1), id(2)]);
    b.locks?.resume(id(1));
    await b.run(5);
    expect(tabs[0]!.mesh.view()).toEqual([id(2), id(3)]);
  });

  it('a tab that does not hold its own lock yet is not taken for gone by a tab it hears from', async () => {
    const b = browser();
    b.locks?.delayRequests(id(2)); // a slow tab: the browser has not granted its own lock yet
    const tabs = [b.join(id(1)), b.join(id(2))];
    await b.run(50);
    tabs.push(b.join(id(3))); // announces itself; tab 2 hears it before it can announce itself
    await b.run(50);
    b.locks?.resume(id(2));
    await b.run(500);
    for (const tab of tabs) expect(tab.mesh.view()).toEqual(others(tabs, tab));
  });

  it('links tabs before the browser grants their own locks, and watches each lock once its tab holds it', async () => {
    const b = browser();
    // A loaded browser: no tab has been granted its own lock yet (Chromium took seconds with 8 tabs loading).
    for (const n of [1, 2, 3]) b.locks?.delayRequests(id(n));
    const tabs = [b.join(id(1)), b.join(id(2)), b.join(id(3))];
    await b.run(20);
    for (const tab of tabs) expect(tab.mesh.view()).toEqual(others(tabs, tab));
    for (const n of [1, 2, 3]) b.locks?.resume(id(n));
    await b.run(20);
    // Tab 3 dies without a word: the others learn it from its lock, which they queued on once it was held.
    b.bus.remove(tabs[2]!.channel);
    b.locks?.crash(id(3));
    await b.run(5);
    expect(tabs[0]!.mesh.view()).toEqual([id(2)]);
    expect(tabs[1]!.mesh.view()).toEqual([id(1)]);
  });

  it('tells the election a link is watched only once both tabs hold their locks, and never without Web Locks', async () => {
    const b = browser();
    b.locks?.delayRequests(id(2));
    const [one, two] = [b.join(id(1)), b.join(id(2))] as const;
    await b.run(20);
    expect(one.mesh.view()).toEqual([id(2)]);
    // Tab 1 holds its lock, tab 2 not yet: neither side counts the link as watched.
    expect([one.mesh.watches(id(2)), two.mesh.watches(id(1))]).toEqual([false, false]);
    b.locks?.resume(id(2));
    await b.run(20);
    expect([one.mesh.watches(id(2)), two.mesh.watches(id(1))]).toEqual([true, true]);
    two.mesh.close();
    await b.run(20);
    expect(one.mesh.watches(id(2))).toBe(false);

    const bare = browser({ locks: false });
    const [three] = [bare.join(id(3)), bare.join(id(4))];
    await bare.run(20);
    expect(three.mesh.view()).toEqual([id(4)]);
    expect(three.mesh.watches(id(4))).toBe(false);
  });

  it('without Web Locks says heartbeats, and a crashed tab is dropped only after signaling and the probe', async () => {
    const b = browser({ locks: false });
    const tabs = [b.join(id(1)), b.join(id(2))];
    await b.run(50);
    expect(tabs[0]!.mesh.view()).toEqual([id(2)]);
    expect(tabs[0]!.local.stats().crashNotice).toBe('heartbeats');
    b.bus.remove(tabs[1]!.channel);
    await b.run(1_000);
    expect(tabs[0]!.mesh.view()).toEqual([id(2)]); // nothing tells it yet
    tabs[0]!.mesh.peerLeft(id(2));
    await b.run(600);
    expect(tabs[0]!.mesh.view()).toEqual([]);
  });

  it('never links a tab signaling does not list, even if it announces itself and asks for a link', async () => {
    const b = browser();
    const tab = b.join(id(1));
    const outsider = b.open(id(9)); // on the channel, but never in the signaling room
    await b.run(50);
    expect(tab.local.reaches(id(9))).toBe(true);
    expect(tab.mesh.view()).toEqual([]);
    outsider.local.createLink(id(1), false, { signal() {}, open() {}, data() {}, close() {} });
    b.bus.inject({ v: 1, t: 'data', from: id(9), to: id(1), d: '{"ch":"app","payload":1}' });
    await b.run(50);
    expect(tab.mesh.view()).toEqual([]);
    expect(tab.mesh.peers()).toEqual([]);
    expect(tab.local.stats().dropped.unlinked).toBeGreaterThan(0);
  });

  it('drops and counts junk, self-spoofing and floods; the links and view stay', async () => {
    const b = browser();
    const tabs = [b.join(id(1)), b.join(id(2))];
    await b.run(50);
    const [a] = tabs;
    const view = a!.mesh.view();
    const junk = [
      null,
      1,
      'x',
      {},
      { v: 2, t: 'here', from: id(2) },
      { v: 1, t: 'data', from: 'nope', to: id(1), d: 'x' },
    ];
    for (const message of junk) b.bus.inject(message);
    b.bus.inject({ v: 1, t: 'data', from: id(1), to: id(1), d: '{}' });
    b.bus.inject({ v: 1, t: 'data', from: id(2), to: id(1), d: 'x'.repeat(meshLimits.maxMessageBytes + 1) });
    await b.run(5);
    // The oversize payload is refused by the channel's own schema, before any parsing.
    expect(a!.local.stats().dropped.invalid).toBe(junk.length + 1);
    expect(a!.local.stats().dropped.spoofed).toBe(1);
    // A flood on an open local link meets the same per-link rate limit as a data channel.
    let delivered = 0;
    a!.mesh.onApp.add(() => delivered++);
    const flood = meshLimits.inboundBurst + 100;
    for (let i = 0; i < flood; i++) {
      b.bus.inject({ v: 1, t: 'data', from: id(2), to: id(1), d: JSON.stringify({ ch: 'app', payload: i }) });
    }
    await b.run(2);
    expect(delivered).toBeLessThan(flood);
    expect(a!.mesh.stats().dropped.rateLimited).toBeGreaterThan(0);
    expect(a!.mesh.view()).toBe(view);
    // Junk (not JSON, bad envelope) goes through the wire's validation and is counted there too.
    await b.run(1_100); // the link's bucket refills
    b.bus.inject({ v: 1, t: 'data', from: id(2), to: id(1), d: '{"ch":"election","msg":{}}' });
    await b.run(5);
    expect(a!.mesh.stats().dropped.badElection).toBe(1);
    expect(a!.mesh.view()).toEqual([id(2)]);
  });

  it('a tab forced to WebRTC (no local transport) is linked over WebRTC, not locally', async () => {
    const b = browser();
    const tab = b.join(id(1));
    await b.run(10);
    // id(2) has no channel: tab 1 never sees it locally and asks WebRTC for the link (after the defer).
    tab.mesh.peerJoined(id(2));
    await b.run(300);
    expect(b.rtcLinks()).toBeGreaterThan(0);
  });
});

describe('the transports option', () => {
  it('defaults to local then WebRTC, and refuses anything but a non-empty list of distinct known kinds', () => {
    expect(parseTransports(undefined)).toEqual(['local', 'webrtc']);
    expect(parseTransports(['webrtc'])).toEqual(['webrtc']);
    expect(parseTransports(['local'])).toEqual(['local']);
    for (const bad of [[], ['webrtc', 'webrtc'], ['tcp'], 'webrtc', null, ['local', 'webrtc', 'local']]) {
      expect(parseTransports(bad)).toBeUndefined();
    }
  });
});
