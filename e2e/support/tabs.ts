import type { BrowserContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';

/**
 * The dashboard URL of a room, with the test hooks (`?test=1`: `window.conclave`, fault injection). Tabs of
 * one browser context link over WebRTC unless `transports` says otherwise (`'default'`: local first, the
 * way users run it), so the scenarios that predate the local transport keep exercising the WebRTC mesh.
 */
export function roomUrl(
  base: string,
  room: string,
  transports: 'webrtc' | 'default' | 'local' = 'webrtc',
): string {
  const forced = transports === 'default' ? '' : `&transports=${transports}`;
  return `${base}/?room=${encodeURIComponent(room)}&test=1${forced}`;
}

/** A room name no other test uses (tests share each worker's signaling server). */
export function uniqueRoom(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40);
  return `${slug}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Opens `count` tabs of `url` in `context`, one after another (each navigation finishes loading first). */
export async function openTabs(context: BrowserContext, url: string, count: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(url);
    pages.push(page);
  }
  return pages;
}

/** Crashes a tab's renderer (CDP `Page.crash`): nothing on that side gets to say goodbye. */
export async function crashTab(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  // The command never answers: the renderer is gone before it could.
  cdp.send('Page.crash').catch(() => {});
  await crashed;
}

/**
 * Clicks a dashboard button. The tab comes to the front first: Chromium paints only the front tab of a
 * window promptly, so Playwright's actionability checks (which wait for animation frames) take 1.5-3 s
 * in any other tab.
 */
export async function clickButton(page: Page, testId: string): Promise<void> {
  await page.bringToFront();
  await page.getByTestId(testId).click();
}

/** Waits until a tab shows it has joined (its own id rendered). */
export async function expectJoined(page: Page): Promise<void> {
  await expect(page.getByTestId('self-id')).not.toBeEmpty();
}
