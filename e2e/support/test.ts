import { test as base } from '@playwright/test';
import { type SignalingHandle, startSignaling } from './signaling-fixture';

interface WorkerFixtures {
  /** This worker's signaling server. Tests use unique room names, so they never see each other's tabs. */
  signaling: SignalingHandle;
}

/** Playwright's `test` with a per-worker signaling server. */
export const test = base.extend<object, WorkerFixtures>({
  signaling: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured.
    async ({}, use) => {
      const handle = await startSignaling();
      await use(handle);
      await handle.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
