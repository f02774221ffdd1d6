import type { Page } from '@playwright/test';
import { expectOneLeader } from '../../support/agreement';
import { openTabs, roomUrl, uniqueRoom } from '../../support/tabs';
import { expect, test } from '../../support/test';
import { startTurnServer, turnServerPath } from '../../support/turn-server';

/** The local and remote candidate types of the pair each connected RTCPeerConnection of a tab selected. */
async function selectedPairs(page: Page): Promise<{ local?: string; remote?: string }[]> {
  return page.evaluate(async () => {
    const all = (window as { peerConnections?: RTCPeerConnection[] }).peerConnections ?? [];
    const connected = all.filter((pc) => pc.connectionState === 'connected');
    return Promise.all(
      connected.map(async (pc) => {
        const stats = await pc.getStats();
        let pairId: string | undefined;
        stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
          if (report.type === 'transport' && report.selectedCandidatePairId) {
            pairId = report.selectedCandidatePairId;
          }
        });
        const pair = pairId === undefined ? undefined : stats.get(pairId);
        const type = (id: string | undefined) =>
          id === undefined ? undefined : stats.get(id)?.candidateType;
        return { local: type(pair?.localCandidateId), remote: type(pair?.remoteCandidateId) };
      }),
    );
  });
}

test('with iceTransportPolicy relay, tabs link and elect through a real TURN server only', async ({
  context,
  signaling,
}, testInfo) => {
  const executable = turnServerPath();
  if (executable === undefined) {
    const why = 'no coturn (apt-get install coturn, or set TURNSERVER_PATH)';
    if (process.env.CI) throw new Error(`${why}: CI must run the TURN test`);
    test.skip(true, why);
    return;
  }
  const turn = await startTurnServer(executable);
  try {
    // Every RTCPeerConnection the page makes, for reading its selected candidate pair.
    await context.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const made: RTCPeerConnection[] = [];
      (window as { peerConnections?: RTCPeerConnection[] }).peerConnections = made;
      window.RTCPeerConnection = class extends Native {
        constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
          super(...args);
          made.push(this);
        }
      };
    });
    const ice = encodeURIComponent(JSON.stringify([turn.iceServer]));
    const url = `${roomUrl(signaling.url, uniqueRoom(testInfo.title))}&ice=${ice}&iceTransportPolicy=relay`;
    const pages = await openTabs(context, url, 3);
    const first = await expectOneLeader(pages);

    for (const page of pages) {
      const pairs = await selectedPairs(page);
      expect(pairs, 'one connected link per other tab, each through the relay at both ends').toEqual([
        { local: 'relay', remote: 'relay' },
        { local: 'relay', remote: 'relay' },
      ]);
    }

    // The relayed mesh also fails over: close the leader, the other two agree.
    const leader = pages[first.leaderIndex]!;
    const survivors = pages.filter((page) => page !== leader);
    await leader.close();
    const after = await expectOneLeader(survivors);
    expect(after.term).toBeGreaterThan(first.term);
  } finally {
    await turn.stop();
  }
});
