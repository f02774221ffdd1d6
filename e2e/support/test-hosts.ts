import { type Browser, type BrowserContext, chromium, type TestInfo } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './chromium';
import { createTestNetwork, sweepTestHosts, type TestNetwork, testHostsUnavailable } from './netns';
import { descendingPeerIds, type SignalingHandle, startSignaling } from './signaling-fixture';

/** Test hosts with a Chromium each, and a signaling server on their bridge. */
export interface HostsRig {
  readonly network: TestNetwork;
  /** One browser context per host, in the host's own Chromium process. */
  readonly contexts: readonly BrowserContext[];
  readonly signaling: SignalingHandle;
}

/**
 * Runs `body` with `count` test hosts (network namespaces on a bridge), each running its own Chromium, and a
 * signaling server listening on the bridge whose ids only go down (the order tabs open in decides who
 * succeeds whom). Skips, saying why, where test hosts cannot be made (not root, no `ip netns`); under `CI`
 * that fails instead. Everything made is removed afterwards, also when the body fails.
 */
export async function withTestHosts(
  testInfo: TestInfo,
  count: number,
  body: (rig: HostsRig) => Promise<void>,
): Promise<void> {
  const why = await testHostsUnavailable();
  if (why !== undefined) {
    if (process.env.CI) throw new Error(`${why}: CI must run the test-host tests`);
    testInfo.skip(true, why);
    return;
  }
  const executable = chromiumPath() ?? chromium.executablePath();
  await sweepTestHosts();
  const network = await createTestNetwork(count, executable);
  const browsers: Browser[] = [];
  let signaling: SignalingHandle | undefined;
  try {
    signaling = await startSignaling({ newPeerId: descendingPeerIds() }, network.bridgeAddress);
    const contexts: BrowserContext[] = [];
    for (const host of network.hosts) {
      const browser = await chromium.launch({ executablePath: host.chromiumWrapper, args: chromiumArgs });
      browsers.push(browser);
      contexts.push(await browser.newContext());
    }
    await body({ network, contexts, signaling });
  } finally {
    for (const browser of browsers) await browser.close().catch(() => {});
    await signaling?.close().catch(() => {});
    await network.destroy();
  }
}
