import type { Page } from '@playwright/test';
import { type Agreement, expectOneLeader } from '../support/agreement';
import { closeLeaderAndAgree, crashLeaderAndAgree } from '../support/failover';
import { recordAgreement } from '../support/measure';
import { clickButton, openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';

/** How each peer in a tab's peer list is linked, sorted (`local`, `webrtc`, or `none` while unlinked). */
async function transportsOf(page: Page): Promise<string[]> {
  const items = page.getByTestId('peer-list').locator('li');
  return (await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-transport') ?? ''))).sort();
}

/** Why each survivor's link to `peerId` closed (from its timeline). */
async function closeReasons(pages: readonly Page[], peerId: string): Promise<string[]> {
  return Promise.all(
    pages.map((page) =>
      page.evaluate((peer) => {
        const room = (window as { conclave?: import('@conclave/mesh').Room }).conclave;
        const closed = room
          ?.snapshot()
          .events.filter(
            (event) => event.source === 'mesh' && event.type === 'link-closed' && event.peer === peer,
          );
        return closed?.map((event) => ('reason' in event ? (event.reason ?? '') : '')).join(',') ?? '';
      }, peerId),
    ),
  );
}

async function expectTransports(pages: readonly Page[], expected: readonly string[]): Promise<void> {
  for (const page of pages) await expect.poll(() => transportsOf(page)).toEqual([...expected].sort());
}

/** What the local transport says about crash notice (`web-locks` or `heartbeats`). */
async function crashNotice(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () => (window as { conclave?: import('@conclave/mesh').Room }).conclave?.stats().local?.crashNotice,
  );
}

test.describe('same browser, local transport (BroadcastChannel)', () => {
  test('tabs elect over local links, and a newcomer follows the sitting leader', async ({
    context,
    signaling,
  }, testInfo) => {
    const url = roomUrl(signaling.url, uniqueRoom(testInfo.title), 'default');
    const pages = await openTabs(context, url, 3);
    const sitting = await expectOneLeader(pages);
    await expectTransports(pages, ['local', 'local']);
    expect(await crashNotice(pages[0]!)).toBe('web-locks');

    const openedAt = Date.now();
    const [newcomer] = await openTabs(context, url, 1);
    const all = [...pages, newcomer!];
    expect(await expectOneLeader(all)).toEqual(sitting);
    await recordAgreement(
      testInfo,
      'local: late tab opened to following the sitting leader',
      [newcomer!],
      sitting.leaderId,
      openedAt,
    );
    await expectTransports(all, ['local', 'local', 'local']);
  });

  test('the leader closes, then the new one yields: the others agree each time, higher term', async ({
    context,
    signaling,
  }, testInfo) => {
    const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title), 'default'), 4);
    const before = await expectOneLeader(pages);
    const { survivors, after } = await closeLeaderAndAgree(
      testInfo,
      pages,
      before,
      'local: leader tab closed to all following a new leader',
    );

    const yielder = survivors[after.leaderIndex]!;
    const yieldedAt = Date.now();
    await clickButton(yielder, 'yield');
    const yielded = await expectOneLeader(survivors);
    await recordAgreement(
      testInfo,
      'local: Yield clicked to all following a new leader',
      survivors,
      yielded.leaderId,
      yieldedAt,
    );
    expect(yielded.leaderId).not.toBe(after.leaderId);
    expect(yielded.term).toBeGreaterThan(after.term);
  });

  test('the leader crashes: its Web Lock tells the others at once, and they agree on a new leader', async ({
    context,
    signaling,
  }, testInfo) => {
    const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title), 'default'), 4);
    const before = await expectOneLeader(pages);
    const { survivors, leaderPage } = await crashLeaderAndAgree(
      testInfo,
      pages,
      before,
      'local: leader tab crashed to all following a new leader',
    );
    // The crashed tab is gone from every view (not merely out-voted): a full mesh of the survivors, and each
    // dropped it because its lock was granted (`gone`), not after signaling and a probe (`peer-left`).
    await expectOneLeader(survivors, { fullMesh: true });
    expect(await closeReasons(survivors, before.leaderId)).toEqual(survivors.map(() => 'gone'));
    await leaderPage.close();
  });

  test('without Web Locks the local transport says heartbeats, and a crashed leader is still replaced', async ({
    browser,
    signaling,
  }, testInfo) => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      // An old browser, or an insecure origin: no Web Locks.
      delete (Navigator.prototype as { locks?: unknown }).locks;
    });
    const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title), 'default'), 3);
    const before = await expectOneLeader(pages);
    await expectTransports(pages, ['local', 'local']);
    expect(await crashNotice(pages[0]!)).toBe('heartbeats');
    const { survivors } = await crashLeaderAndAgree(
      testInfo,
      pages,
      before,
      'local, no Web Locks: leader tab crashed to all following a new leader',
    );
    await expectOneLeader(survivors, { fullMesh: true });
    expect(await closeReasons(survivors, before.leaderId)).toEqual(survivors.map(() => 'peer-left'));
    await context.close();
  });
});

test('transports=webrtc still meshes tabs of one browser context over WebRTC', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title), 'webrtc'), 3);
  await expectOneLeader(pages);
  await expectTransports(pages, ['webrtc', 'webrtc']);
});

test('a mixed room: two browser profiles of three tabs each, local inside, WebRTC between; one leader, crash and close in each', async ({
  browser,
  signaling,
}, testInfo) => {
  const url = roomUrl(signaling.url, uniqueRoom(testInfo.title), 'default');
  const contexts = [await browser.newContext(), await browser.newContext()];
  const groups = [await openTabs(contexts[0]!, url, 3), await openTabs(contexts[1]!, url, 3)];
  let pages = groups.flat();
  const groupOf = (page: Page) => (groups[0]!.includes(page) ? 0 : 1);
  const first = await expectOneLeader(pages);
  await expectTransports(pages, ['local', 'local', 'webrtc', 'webrtc', 'webrtc']);

  // Four leaders go, two crashed and two closed, and the survivors agree every time. Yield moves the
  // leadership to the profile whose turn it is when it can: a yield hands over to the lowest id, so when the
  // two lowest ids share a profile the leadership bounces between them and the step acts where it is. Four
  // distinct leaders out of two profiles of three span both profiles either way.
  const leaderIn = async (group: number): Promise<Agreement> => {
    for (let yields = 0; yields < 3; yields++) {
      const agreed = await expectOneLeader(pages);
      const leader = pages[agreed.leaderIndex]!;
      if (groupOf(leader) === group) return agreed;
      await clickButton(leader, 'yield');
      await expect.poll(async () => (await expectOneLeader(pages)).leaderId).not.toBe(agreed.leaderId);
    }
    return expectOneLeader(pages);
  };
  const start = groupOf(pages[first.leaderIndex]!);
  const steps: Array<['crash' | 'close', number]> = [
    ['crash', start],
    ['crash', 1 - start],
    ['close', start],
    ['close', 1 - start],
  ];
  const actedIn = new Set<number>();
  for (const [what, wanted] of steps) {
    const before = await leaderIn(wanted);
    const group = groupOf(pages[before.leaderIndex]!);
    actedIn.add(group);
    const label = `mixed: leader tab ${what === 'crash' ? 'crashed' : 'closed'} in profile ${group} to all following a new leader`;
    if (what === 'crash') {
      const crashed = await crashLeaderAndAgree(testInfo, pages, before, label);
      pages = crashed.survivors;
      await crashed.leaderPage.close();
      continue;
    }
    pages = (await closeLeaderAndAgree(testInfo, pages, before, label)).survivors;
  }
  expect([...actedIn].sort(), 'leaders went in both profiles').toEqual([0, 1]);
  expect(pages).toHaveLength(2);
  for (const context of contexts) await context.close();
});
