import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { DashboardTab } from './dashboard';

/**
 * The Firefox to drive, chosen at run time: `FIREFOX_PATH`, else Debian's `firefox-esr`, else `firefox`;
 * undefined when none is installed. Playwright drives only its own patched Firefox (which cannot be
 * downloaded here), so a stock Firefox is driven by puppeteer-core over WebDriver BiDi.
 */
export function firefoxPath(): string | undefined {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((path) => existsSync(path));
}

/** A headless Firefox for the room: puppeteer-core's browser and a way to kill its process outright. */
export interface FirefoxBrowser {
  readonly browser: Browser;
  /** Opens `url` in a new tab and waits for it to load. */
  open(url: string): Promise<FirefoxTab>;
  /** SIGKILL to the whole browser process: no tab gets to say goodbye. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** A Firefox tab, readable by the dashboard helpers like a Playwright page. */
export interface FirefoxTab extends DashboardTab {
  readonly page: Page;
}

export async function launchFirefox(executablePath: string): Promise<FirefoxBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: {
      // Plain host candidates (as Chromium's WebRtcHideLocalIpsWithMdns off): no mDNS names to resolve.
      'media.peerconnection.ice.obfuscate_host_addresses': false,
    },
  });
  const process = browser.process();
  return {
    browser,
    async open(url) {
      const page = await browser.newPage();
      await page.goto(url);
      return { page, evaluate: (pageFunction) => page.evaluate(pageFunction) };
    },
    async kill() {
      if (process === null || process.exitCode !== null) return;
      const exited = new Promise((resolve) => process.once('exit', resolve));
      process.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (process !== null && process.exitCode === null && process.signalCode === null) await browser.close();
    },
  };
}
