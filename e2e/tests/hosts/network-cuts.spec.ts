import type { BrowserContext, Page } from '@playwright/test';
import { type Agreement, expectOneLeader, expectVerdictHolds, judge } from '../../support/agreement';
import { readTabs } from '../../support/dashboard';
import { roomUrl, uniqueRoom } from '../../support/tabs';
import { expect, test } from '../../support/test';
import { withTestHosts } from '../../support/test-hosts';

/** Longer than ICE consent freshness (30 s): links on both sides time out and must be formed anew. */
const longCutMs = 36_000;

/** Opens tabs one after another, each once the ones before agree (the first tab opened leads). */
async function openInOrder(url: string, hosts: readonly BrowserContext[]): Promise<Page[]> {
  const pages: Page[] = [];
  for (const context of hosts) {
    const page = await context.newPage();
    await page.goto(url);
    pages.push(page);
    await expectOneLeader(pages, { timeout: 30_000 });
  }
  return pages;
}

/** Each side of a cut agrees on a leader of its own (links to the other side may still look open). */
async function expectSidesLead(sides: readonly (readonly Page[])[]): Promise<Agreement[]> {
  const agreements = await Promise.all(
    sides.map((side) => expectOneLeader(side, { fullMesh: false, timeout: 30_000 })),
  );
  expect(new Set(agreements.map((agreement) => agreement.leaderId)).size, 'one leader per side').toBe(
    sides.length,
  );
  return agreements;
}

/** One leader again across the hosts, with every link formed, under a term above every side's. */
async function expectReunited(pages: readonly Page[], sides: readonly Agreement[]): Promise<Agreement> {
  const healed = await expectOneLeader(pages, { timeout: 60_000 });
  expect(healed.term, 'the reunited term fences every side’s').toBeGreaterThanOrEqual(
    Math.max(...sides.map((side) => side.term)),
  );
  return healed;
}

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a test uses from this pattern.
test('two hosts agree; a cut gives each its own leader; after a short cut and one past ICE consent, one leader again', async ({}, testInfo) => {
  test.setTimeout(300_000);
  await withTestHosts(testInfo, 2, async ({ network, contexts, signaling }) => {
    const url = roomUrl(signaling.url, uniqueRoom(testInfo.title), 'default');
    // Two tabs per host, opened alternately: local links inside a host, WebRTC between hosts.
    const pages = await openInOrder(url, [contexts[0]!, contexts[1]!, contexts[0]!, contexts[1]!]);
    const sides = [
      [pages[0]!, pages[2]!],
      [pages[1]!, pages[3]!],
    ];
    const cutHost = network.hosts[1]!;

    await cutHost.cut();
    const shortSides = await expectSidesLead(sides);
    await cutHost.restore();
    const afterShort = await expectReunited(pages, shortSides);

    await cutHost.cut();
    const longSides = await expectSidesLead(sides);
    // Each side keeps its own leader for the whole cut: links on both sides time out meanwhile.
    await Promise.all(
      sides.map((side, index) =>
        expectVerdictHolds(
          async () => judge(await readTabs(side), { fullMesh: false }),
          longSides[index]!,
          longCutMs,
          500,
        ),
      ),
    );
    await cutHost.restore();
    const afterLong = await expectReunited(pages, longSides);
    expect(afterLong.term).toBeGreaterThanOrEqual(afterShort.term);
  });
});

// biome-ignore lint/correctness/noEmptyPattern: as above.
test('three hosts: the leader’s host is cut and the other two keep one leader between them; healed, one again', async ({}, testInfo) => {
  test.setTimeout(180_000);
  await withTestHosts(testInfo, 3, async ({ network, contexts, signaling }) => {
    const url = roomUrl(signaling.url, uniqueRoom(testInfo.title), 'default');
    const pages = await openInOrder(url, contexts);
    const before = await expectOneLeader(pages);
    expect(before.leaderIndex, 'the first tab opened leads').toBe(0);
    // Served on the bridge (a LAN address), the join panel offers that address and no loopback hint.
    await expect(pages[1]!.getByTestId('join-url')).toContainText(network.bridgeAddress);
    await expect(pages[1]!.getByTestId('join-loopback-hint')).toHaveCount(0);

    await network.hosts[0]!.cut();
    const [alone, others] = await expectSidesLead([[pages[0]!], [pages[1]!, pages[2]!]]);
    expect(alone!.leaderId, 'the cut host leads itself').toBe(before.leaderId);
    expect(others!.term).toBeGreaterThan(before.term);

    await network.hosts[0]!.restore();
    await expectReunited(pages, [alone!, others!]);
  });
});
