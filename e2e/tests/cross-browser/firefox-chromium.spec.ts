import type { BrowserContext } from '@playwright/test';
import { type Agreement, expectOneLeader } from '../../support/agreement';
import { expect, launchChromiumProcess, test } from '../../support/cross-browser';
import type { DashboardTab } from '../../support/dashboard';
import type { FirefoxBrowser } from '../../support/firefox';
import { expectCounterReaches } from '../../support/shared-counter';
import { roomUrl, uniqueRoom } from '../../support/tabs';

type BrowserName = 'chromium' | 'firefox';

/** A tab of either browser, with which browser it is in and how to close it (gracefully: pagehide). */
interface Tab extends DashboardTab {
  readonly browser: BrowserName;
  close(): Promise<void>;
}

/** In the page: the browser names its peer rows show, sorted, and how many rows show a round trip. */
function peerRows(): { agents: string[]; rtts: number } {
  const text = (id: string) =>
    [...document.querySelectorAll(`[data-testid="${id}"]`)].map((node) => node.textContent ?? '');
  return {
    agents: text('peer-agent')
      .map((agent) => agent.split(' ')[0] ?? '')
      .sort(),
    rtts: text('peer-rtt').filter((rtt) => /^\d+ ms$/.test(rtt)).length,
  };
}

/** Counts each phase waits for: a few ticks show the counter runs under the new leader. */
const ticksPerPhase = 3;

async function openChromium(context: BrowserContext, url: string): Promise<Tab> {
  const page = await context.newPage();
  await page.goto(url);
  return {
    browser: 'chromium',
    evaluate: (pageFunction) => page.evaluate(pageFunction),
    close: () => page.close(),
  };
}

async function openFirefox(firefox: FirefoxBrowser, url: string): Promise<Tab> {
  const tab = await firefox.open(url);
  return { browser: 'firefox', evaluate: tab.evaluate, close: () => tab.page.close() };
}

/**
 * Opens the tabs one after another, each once the ones before agree: the first leads alone, the others
 * find it leading (a newcomer never displaces a sitting leader). Ids only go down (`orderedSignaling`), so
 * the last tab opened has the lowest id and succeeds first.
 */
async function openInOrder(openers: readonly (() => Promise<Tab>)[]): Promise<Tab[]> {
  const tabs: Tab[] = [];
  for (const open of openers) {
    tabs.push(await open());
    await expectOneLeader(tabs);
  }
  return tabs;
}

/** Default transports, as users run it: tabs of one browser link locally, the two browsers over WebRTC. */
const url = (base: string, title: string) => roomUrl(base, uniqueRoom(title), 'default');

test('Chromium and Firefox tabs agree on one leader, and again each time the leader closes, in either browser', async ({
  context,
  firefox,
  orderedSignaling,
}, testInfo) => {
  const room = url(orderedSignaling.url, testInfo.title);
  let tabs = await openInOrder([
    () => openChromium(context, room),
    () => openFirefox(firefox, room),
    () => openChromium(context, room),
    () => openFirefox(firefox, room),
    () => openChromium(context, room),
    () => openFirefox(firefox, room),
  ]);
  let agreement = await expectOneLeader(tabs);
  expect(tabs[agreement.leaderIndex]!.browser, 'the first tab opened leads').toBe('chromium');
  // Each peer row says what the peer runs on, as it reports it, and its link's round trip.
  await expect
    .poll(() => tabs[0]!.evaluate(peerRows), { message: 'peer rows of a Chromium tab' })
    .toEqual({ agents: ['Chrome', 'Chrome', 'Firefox', 'Firefox', 'Firefox'], rtts: 5 });

  // Close the leader until a leader has closed in each browser; each time the rest (both browsers) agree.
  const closedIn = new Set<BrowserName>();
  while (closedIn.size < 2) {
    expect(tabs.length, `tabs left to close a leader in ${[...closedIn]}`).toBeGreaterThan(2);
    const leader = tabs[agreement.leaderIndex]!;
    tabs = tabs.filter((tab) => tab !== leader);
    await leader.close();
    closedIn.add(leader.browser);
    const next: Agreement = await expectOneLeader(tabs);
    expect(next.leaderId).not.toBe(agreement.leaderId);
    expect(next.term).toBeGreaterThan(agreement.term);
    agreement = next;
  }
  expect(new Set(tabs.map((tab) => tab.browser)), 'tabs of both browsers still agree').toEqual(
    new Set(['chromium', 'firefox']),
  );
});

test('the Firefox process is killed while its tab leads: the Chromium tabs elect another and the shared counter goes on', async ({
  context,
  firefox,
  orderedSignaling,
}, testInfo) => {
  const room = url(orderedSignaling.url, testInfo.title);
  const tabs = await openInOrder([
    () => openFirefox(firefox, room),
    () => openChromium(context, room),
    () => openFirefox(firefox, room),
    () => openChromium(context, room),
  ]);
  const before = await expectOneLeader(tabs);
  expect(tabs[before.leaderIndex]!.browser, 'a Firefox tab leads').toBe('firefox');
  const reached = await expectCounterReaches(tabs, ticksPerPhase, before.term);

  await firefox.kill();
  const survivors = tabs.filter((tab) => tab.browser === 'chromium');
  // Killed tabs say nothing: their data channels may look open for a while, so no full mesh is required.
  const after = await expectOneLeader(survivors, { fullMesh: false });
  expect(after.term).toBeGreaterThan(before.term);
  await expectCounterReaches(survivors, reached + ticksPerPhase, after.term);
});

test('a Chromium process is killed while its tab leads: Firefox and the other Chromium elect another and the counter goes on', async ({
  context,
  firefox,
  orderedSignaling,
}, testInfo) => {
  const room = url(orderedSignaling.url, testInfo.title);
  const doomed = await launchChromiumProcess();
  try {
    const tabs = await openInOrder([
      () => openChromium(doomed.context, room),
      () => openFirefox(firefox, room),
      () => openChromium(context, room),
      () => openFirefox(firefox, room),
    ]);
    const before = await expectOneLeader(tabs);
    expect(before.leaderIndex, 'the first tab, in the Chromium to be killed, leads').toBe(0);
    const reached = await expectCounterReaches(tabs, ticksPerPhase, before.term);

    await doomed.kill();
    const survivors = tabs.slice(1);
    const after = await expectOneLeader(survivors, { fullMesh: false });
    expect(after.term).toBeGreaterThan(before.term);
    await expectCounterReaches(survivors, reached + ticksPerPhase, after.term);
  } finally {
    await doomed.close().catch(() => {});
  }
});
