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

  // Watch every tab until all are back on signaling; the leadership must never change.
  const deviations: string[] = [];
  await expect
    .poll(
      async () => {
        const states = await readTabs(pages);
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
  // Every tab showed it: signaling lost, then back. Read from each dashboard's timeline, not the status banner:
  // over WebSocket the tabs reconnect within milliseconds, faster than the banner can be sampled.
  const shown = (page: (typeof pages)[number]) =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="timeline"] .event-mesh')]
        .flatMap((item) => [...item.classList].filter((name) => /^event-signaling-(lost|back)$/.test(name)))
        .reverse(),
    );
  for (const page of pages) {
    await expect
      .poll(async () => (await shown(page)).slice(-2), {
        message: 'the tab showed signaling lost, then back',
      })
      .toEqual(['event-signaling-lost', 'event-signaling-back']);
  }

  const [newcomer] = await openTabs(context, url, 1);
  expect(await expectOneLeader([...pages, newcomer!])).toEqual(before);
});
