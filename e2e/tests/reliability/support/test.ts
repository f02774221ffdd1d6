import { test as base } from '../../../support/test';
import { type SignalingProcess, spawnSignaling } from './signaling-process';

interface ProcessFixtures {
  /** A signaling server of this test's own, in a child process that the test may SIGKILL and restart. */
  signalingProcess: SignalingProcess;
}

/** The suite's `test` (worker signaling server) plus {@link ProcessFixtures}. */
export const test = base.extend<ProcessFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured.
  signalingProcess: async ({}, use) => {
    const server = await spawnSignaling();
    await use(server);
    await server.close();
  },
});

export { expect } from '@playwright/test';
