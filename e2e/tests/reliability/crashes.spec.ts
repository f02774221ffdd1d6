import type { Page } from '@playwright/test';
import { readTabs } from '../../support/dashboard';
import { recordDuration } from '../../support/measure';
import { crashTab, openTabs, roomUrl, uniqueRoom } from '../../support/tabs';
import { aliveThresholdMs } from '../../support/timing';
import { expectAllAgree, expectGroupHolds, type GroupAgreement, judgeGroup } from './support/components';
import { readRooms } from './support/room-probe';
import { expect, test } from './support/test';

test('a follower crash leaves the leader in place; a leader crash then elects a new one', async ({
  context,
  signaling,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, uniqueRoom(testInfo.title)), 5);
  const before = await expectAllAgree(pages);
  const follower = pages.find((_, index) => index !== before.leaderIndex)!;
  const rest = pages.filter((page) => page !== follower);

  await crashTab(follower);
  // The survivors drop the dead tab from their views (signaling notices, the mesh's probe goes unanswered)
  // without any change of leadership, and keep it for 2 × T more: no follower suspects the leader.
  const settled = await expectAllAgree(rest);
  expect({ leaderId: settled.leaderId, term: settled.term }).toEqual({
    leaderId: before.leaderId,
    term: before.term,
  });
  await expectGroupHolds(rest, before, 2 * aliveThresholdMs, { exactViews: true });

  const leader = rest.find((page) => page === pages[before.leaderIndex])!;
  const survivors = rest.filter((page) => page !== leader);
  const crashedAt = Date.now();
  await crashTab(leader);
  const after = await expectAllAgree(survivors, { exactViews: false });
  recordDuration(testInfo, 'leader crash to a new agreed leader', Date.now() - crashedAt);
  expect(after.leaderId).not.toBe(before.leaderId);
  expect(after.term).toBeGreaterThan(before.term);
  await Promise.all([follower.close(), leader.close()]);
});

/**
 * Polls the tabs' dashboards and rooms until every tab shows `status`, recording every status seen on the
 * way, and fails if the leadership (leader and term) is ever anything but `expected`.
 */
async function watchUntilStatus(
  pages: readonly Page[],
  status: string,
  expected: Pick<GroupAgreement, 'leaderId' | 'term'>,
  seen: Set<string>,
): Promise<void> {
  const deviations: string[] = [];
  await expect
    .poll(
      async () => {
        const [tabs, rooms] = await Promise.all([readTabs(pages), readRooms(pages)]);
        for (const tab of tabs) if (tab) seen.add(tab.status);
        const verdict = judgeGroup(
          rooms,
          pages.map((_, index) => index),
          false,
        );
        if (typeof verdict === 'string') deviations.push(verdict);
        else if (verdict.leaderId !== expected.leaderId || verdict.term !== expected.term) {
          deviations.push(`leader ${verdict.leaderId} term ${verdict.term}`);
        }
        return tabs.map((tab) => tab?.status);
      },
      { message: `every tab shows "${status}"`, intervals: [100] },
    )
    .toEqual(pages.map(() => status));
  expect(deviations, `leader ${expected.leaderId} term ${expected.term} held throughout`).toEqual([]);
}

test('signaling is SIGKILLed during an election and restarted: the tabs elect over the mesh and all reconnect', async ({
  context,
  signalingProcess: server,
}, testInfo) => {
  const url = roomUrl(server.url, uniqueRoom(testInfo.title));
  const pages = await openTabs(context, url, 4);
  const before = await expectAllAgree(pages);
  const leader = pages[before.leaderIndex]!;
  const survivors = pages.filter((page) => page !== leader);

  // The leader crashes and signaling dies with it: the election runs over the data channels alone, and
  // signaling comes back (a fresh process, same port and key) while it runs. Watch from the start: the
  // survivors must agree on a new leader, show that signaling was lost, and all get back on it, and the
  // leader they agree on must not change once agreed.
  const crashedAt = Date.now();
  await Promise.all([crashTab(leader), server.kill()]);
  const restarting = server.start();
  const seen = new Set<string>();
  const changes: string[] = [];
  let elected: GroupAgreement | undefined;
  await expect
    .poll(
      async () => {
        const [tabs, rooms] = await Promise.all([readTabs(survivors), readRooms(survivors)]);
        for (const tab of tabs) if (tab) seen.add(tab.status);
        const verdict = judgeGroup(
          rooms,
          survivors.map((_, index) => index),
          false,
        );
        if (elected === undefined) {
          if (typeof verdict === 'string' || verdict.leaderId === before.leaderId) return 'electing';
          elected = verdict;
          recordDuration(
            testInfo,
            'leader crash with signaling down to a new agreed leader',
            Date.now() - crashedAt,
          );
        } else if (
          typeof verdict === 'string' ||
          verdict.leaderId !== elected.leaderId ||
          verdict.term !== elected.term
        ) {
          changes.push(
            typeof verdict === 'string' ? verdict : `leader ${verdict.leaderId} term ${verdict.term}`,
          );
        }
        return tabs.every((tab) => tab?.status === 'meshed') ? 'elected and reconnected' : 'reconnecting';
      },
      { message: 'a new leader is agreed and every tab is back on signaling', intervals: [100] },
    )
    .toBe('elected and reconnected');
  await restarting;
  recordDuration(testInfo, 'crash and SIGKILL to every tab back on signaling', Date.now() - crashedAt);
  expect(elected!.term).toBeGreaterThan(before.term);
  expect(changes, 'the new leadership held once agreed').toEqual([]);
  expect([...seen], 'tabs showed that signaling was lost').toContain('signaling-lost');

  // The restarted server works: a new tab joins and follows the sitting leader.
  const [newcomer] = await openTabs(context, url, 1);
  const all = [...survivors, newcomer!];
  const joined = await expectAllAgree(all, { exactViews: false });
  expect({ leaderId: joined.leaderId, term: joined.term }).toEqual({
    leaderId: elected!.leaderId,
    term: elected!.term,
  });
  await leader.close();
});

test('every tab loses signaling at once: the mesh and the leader stay, tabs show it, and reconnect after a restart', async ({
  context,
  signalingProcess: server,
}, testInfo) => {
  const pages = await openTabs(context, roomUrl(server.url, uniqueRoom(testInfo.title)), 4);
  const before = await expectAllAgree(pages);

  await server.kill();
  const seen = new Set<string>();
  await watchUntilStatus(pages, 'signaling-lost', before, seen);
  // Signaling stays down for 3 × T: followers would have suspected a leader whose heartbeats stopped.
  await expectGroupHolds(pages, before, 3 * aliveThresholdMs, { exactViews: true });

  const restartedAt = Date.now();
  await server.start();
  await watchUntilStatus(pages, 'meshed', before, seen);
  recordDuration(testInfo, 'signaling restart to every tab back on it', Date.now() - restartedAt);
  const after = await expectAllAgree(pages);
  expect(after).toEqual(before);
});
