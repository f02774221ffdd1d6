import { expectOneLeader } from '../support/agreement';
import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';

test('two rooms in one browser elect independently', async ({ context, signaling }, testInfo) => {
  const red = await openTabs(context, roomUrl(signaling.url, uniqueRoom(`red ${testInfo.title}`)), 3);
  const blue = await openTabs(context, roomUrl(signaling.url, uniqueRoom(`blue ${testInfo.title}`)), 3);

  // Each room is a full mesh of its own 3 tabs (peer-count 2 everywhere: no link crosses rooms).
  const [redLeader, blueLeader] = await Promise.all([expectOneLeader(red), expectOneLeader(blue)]);
  expect(redLeader.leaderId).not.toBe(blueLeader.leaderId);

  // Closing one room's leader leaves the other room's leadership alone.
  await red[redLeader.leaderIndex]!.close();
  const redAfter = await expectOneLeader(red.filter((_, index) => index !== redLeader.leaderIndex));
  expect(redAfter.leaderId).not.toBe(redLeader.leaderId);
  expect(await expectOneLeader(blue)).toEqual(blueLeader);
});
