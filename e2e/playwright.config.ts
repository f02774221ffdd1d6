import { defineConfig } from '@playwright/test';
import { ensurePackageBuilds } from '../scripts/package-builds.mjs';
import { chromiumArgs, chromiumPath } from './support/chromium';

// The signaling fixture runs the built server (what `conclave-signaling` ships). Build it here, not in the
// global setup: this file is loaded before the test files (and their imports of @conclave/*) are.
ensurePackageBuilds();

const executablePath = chromiumPath();

/**
 * Multi-tab e2e: each worker runs its own signaling server (serving the built dashboard) and one Chromium;
 * each test opens its tabs as pages of one browser context. One worker by default: this machine has two
 * cores, and eight tabs forming a mesh already keep both busy (E2E_WORKERS=2 to try).
 */
export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/test-results',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 1),
  retries: 0,
  forbidOnly: process.env.CI !== undefined,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      ...(executablePath === undefined ? {} : { executablePath }),
      args: chromiumArgs,
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
