import { VirtualClock } from '@conclave/election/simulation';
import { describe, expect, it } from 'vitest';
import { meshTimings } from '../src/limits';
import { describeAgent, maxAgentTextLength } from '../src/peer-agent';
import { FakeNetwork, fullyMeshed, settle } from './fake-network';

describe('describeAgent', () => {
  it('names the browser with its major version and the platform, from the user agent', () => {
    const cases: [string, string, string][] = [
      ['Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0', 'Firefox 153', 'Linux'],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
        'Chrome 156',
        'Linux',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0',
        'Edge 140',
        'Windows',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
        'Safari 18',
        'iOS',
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
        'Safari 17',
        'macOS',
      ],
    ];
    for (const [userAgent, browser, platform] of cases) {
      expect(describeAgent({ userAgent })).toEqual({ browser, platform });
    }
  });

  it('prefers the Client Hints platform, and says nothing outside a browser', () => {
    expect(describeAgent({ userAgent: 'Chrome/150', userAgentData: { platform: 'Android' } })?.platform).toBe(
      'Android',
    );
    expect(describeAgent(undefined)).toBeUndefined();
    expect(describeAgent({ userAgent: '' })).toBeUndefined();
  });
});

describe('a peer’s agent report over the mesh', () => {
  const firefox = { browser: 'Firefox 153', platform: 'Linux' };

  function room() {
    const clock = new VirtualClock(1_000);
    const net = new FakeNetwork(clock);
    const a = net.join(undefined, {});
    const b = net.join(undefined, { agent: firefox });
    settle(clock, () => fullyMeshed([a, b]), 1_000, 'linked');
    clock.runFor(meshTimings.linksReportDebounceMs + 50);
    return { clock, net, a, b };
  }

  it('shows each peer what the other says it runs on, and the link’s measured round trip', () => {
    const { a, b } = room();
    const seenByA = a.peers().find((peer) => peer.id === b.selfId);
    expect(seenByA?.agent).toEqual(firefox);
    expect(seenByA?.rttMs).toEqual(expect.any(Number));
    // A tab that reports nothing shows nothing.
    expect(b.peers().find((peer) => peer.id === a.selfId)?.agent).toBeUndefined();
  });

  it('keeps the first report: a peer cannot rewrite its row afterwards', () => {
    const { a, b, net } = room();
    net.sendRaw(b.selfId, a.selfId, JSON.stringify({ ch: 'agent', browser: 'Netscape 4', platform: 'BeOS' }));
    expect(a.peers().find((peer) => peer.id === b.selfId)?.agent).toEqual(firefox);
  });

  it('drops and counts reports that are too long, empty or carry control or bidi characters', () => {
    const clock = new VirtualClock(1_000);
    const net = new FakeNetwork(clock);
    const a = net.join();
    const b = net.join();
    settle(clock, () => fullyMeshed([a, b]), 1_000, 'linked');
    const before = a.stats().dropped.badShape;
    for (const agent of [
      { browser: 'x'.repeat(maxAgentTextLength + 1), platform: 'Linux' },
      { browser: '', platform: 'Linux' },
      { browser: 'Chrome\n156', platform: 'Linux' },
      { browser: 'Chrome 156', platform: 'Linux\u202E' },
      { browser: 'Chrome 156', platform: 'Linux', extra: 1 },
    ]) {
      net.sendRaw(b.selfId, a.selfId, JSON.stringify({ ch: 'agent', ...agent }));
    }
    expect(a.stats().dropped.badShape - before).toBe(5);
    expect(a.peers().find((peer) => peer.id === b.selfId)?.agent).toBeUndefined();
  });
});
