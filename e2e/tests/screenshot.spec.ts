import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectOneLeader } from '../support/agreement';
import { openTabs, roomUrl } from '../support/tabs';
import { expect, test } from '../support/test';

/** The README's screenshot; refreshed only on request (UPDATE_DOCS_SCREENSHOT=1) so test runs leave git clean. */
const docsScreenshot = join(dirname(fileURLToPath(import.meta.url)), '../../docs/dashboard.png');

test('screenshot of the dashboard with 4 tabs', async ({ context, signaling }, testInfo) => {
  const pages = await openTabs(context, roomUrl(signaling.url, 'demo'), 4);
  const agreed = await expectOneLeader(pages);
  const page = pages[(agreed.leaderIndex + 1) % pages.length]!;

  // The picture is complete once every peer has reported its links: 4 tabs, 6 links.
  await expect(page.getByTestId('mesh-graph')).toHaveAttribute('aria-label', '4 tabs, 6 open links');
  await expect(page.getByTestId('role')).toHaveText('follower');

  await page.bringToFront();
  const path = testInfo.outputPath('dashboard-4-tabs.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('dashboard with 4 tabs', { path, contentType: 'image/png' });
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
    await mkdir(dirname(docsScreenshot), { recursive: true });
    await copyFile(path, docsScreenshot);
  }
});
