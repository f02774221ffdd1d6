import { expectOneLeader, judge } from '../support/agreement';
import { readTabs } from '../support/dashboard';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';

test('the signaling server restarts: the leader is unchanged and a new tab can still join', async ({
  context,
  signaling,
}, testInfo) => {
  const url = roomUrl(signaling.url, uniqueRoom(testInfo.title));
  const pages = await openTabs(context, url, 3);
  const before = await expectOneLeader(pages);

  await signaling.restart();

  // Watch every tab until all are back on signaling: they must show "signaling lost" on the way, and the
  // leadership must never change.
  const statusesSeen = new Set<string>();
  const deviations: string[] = [];
  await expect
    .poll(
      async () => {
        const states = await readTabs(pages);
        for (const state of states) if (state) statusesSeen.add(state.status);
        const verdict = judge(states);
        if (typeof verdict === 'string') deviations.push(verdict);
        else if (verdict.leaderId !== before.leaderId || verdict.term !== before.term) {
          deviations.push(`leader ${verdict.leaderId} term ${verdict.term}`);
        }
        return states.map((state) => state?.status);
      },
      { message: 'every tab reconnects to signaling', intervals: [100] },
    )
    .toEqual(['meshed', 'meshed', 'meshed']);
  expect(deviations, 'leadership unchanged while signaling was away').toEqual([]);
  expect([...statusesSeen], 'tabs showed that signaling was lost').toContain('signaling-lost');

  const [newcomer] = await openTabs(context, url, 1);
  expect(await expectOneLeader([...pages, newcomer!])).toEqual(before);
});
