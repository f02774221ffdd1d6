import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './chromium';
import { type FirefoxBrowser, firefoxPath, launchFirefox } from './firefox';
import { descendingPeerIds, type SignalingHandle, startSignaling } from './signaling-fixture';
import { test as base } from './test';

interface CrossBrowserFixtures {
  /** A headless Firefox of its own for the test, killed or closed after it. */
  firefox: FirefoxBrowser;
  /**
   * A signaling server of the test's own whose ids only go down: every tab opened has the lowest id so
   * far, so the order tabs open in decides who succeeds whom (the lowest id wins a contest).
   */
  orderedSignaling: SignalingHandle;
}

/**
 * Tests with a Firefox beside the suite's Chromium. Without Firefox they skip, saying so; under `CI=true`
 * (where `.ci/run` installs firefox-esr) a missing Firefox fails instead, so CI never passes by skipping.
 */
export const test = base.extend<CrossBrowserFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured.
  firefox: async ({}, use, testInfo) => {
    const path = firefoxPath();
    if (path === undefined) {
      const why = 'no Firefox (install firefox-esr, or set FIREFOX_PATH)';
      if (process.env.CI) throw new Error(`${why}: CI must run the cross-browser tests`);
      testInfo.skip(true, why);
      return;
    }
    const firefox = await launchFirefox(path);
    await use(firefox);
    await firefox.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above.
  orderedSignaling: async ({}, use) => {
    const signaling = await startSignaling({ newPeerId: descendingPeerIds() });
    await use(signaling);
    await signaling.close();
  },
});

/** A second Chromium process (Playwright's own browser server), so a test can kill it outright. */
export async function launchChromiumProcess() {
  const executablePath = chromiumPath();
  const server = await chromium.launchServer({
    ...(executablePath === undefined ? {} : { executablePath }),
    args: chromiumArgs,
  });
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    context: await browser.newContext(),
    /** SIGKILL to the browser process: no tab gets to say goodbye. */
    async kill() {
      const process = server.process();
      if (process.exitCode !== null || process.signalCode !== null) return;
      const exited = new Promise((resolve) => process.once('exit', resolve));
      process.kill('SIGKILL');
      await exited;
    },
    close: () => server.close(),
  };
}

export { expect } from './test';
