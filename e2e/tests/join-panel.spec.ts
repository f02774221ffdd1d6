import { openTabs, roomUrl, uniqueRoom } from '../support/tabs';
import { expect, test } from '../support/test';

test('the "Join from another device" panel shows the room URL, its QR code and, on loopback, how to reach the LAN', async ({
  context,
  signaling,
}, testInfo) => {
  const room = uniqueRoom(testInfo.title);
  const [page] = await openTabs(context, `${roomUrl(signaling.url, room)}&secret=s3cret`, 1);
  const panel = page!.getByTestId('join-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('join-url')).toHaveText(`${signaling.url}/?room=${room}`);
  await expect(panel.getByTestId('join-url')).not.toContainText('secret');
  // The QR code is an image that decoded (a data URL of a PNG drawn by the qrcode library).
  await expect
    .poll(() => panel.getByTestId('join-qr').evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);
  await expect(panel.getByTestId('join-loopback-hint')).toContainText('--host 0.0.0.0');
});
