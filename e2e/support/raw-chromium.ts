import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './chromium';
import { test as base } from './test';

/** A Chromium whose background tabs are really hidden and throttled, driven by Playwright over CDP. */
export interface RawChromium {
  readonly browser: Browser;
  /** The default context: all its tabs share one window, so only the tab in front is visible. */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Playwright keeps every page "visible": it launches Chromium with `--disable-background-timer-throttling`,
 * `--disable-renderer-backgrounding` and `--disable-backgrounding-occluded-windows`, and turns on
 * `Emulation.setFocusEmulationEnabled` in its own CDP session of every page (a second session cannot turn
 * it off). So this launches Chromium itself, with none of those flags, and connects with
 * `connectOverCDP(..., { noDefaults: true })`, which leaves focus emulation off in the default context.
 * There, tabs behind the front one report `visibilityState === 'hidden'` and their timers run at most once
 * a second, like a real background tab.
 */
export async function launchRawChromium(): Promise<RawChromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'conclave-raw-chromium-'));
  const executable = chromiumPath() ?? chromium.executablePath();
  const child = spawn(
    executable,
    [
      '--headless',
      '--no-sandbox',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-dev-shm-usage',
      '--remote-debugging-port=0',
      `--user-data-dir=${userDataDir}`,
      ...chromiumArgs,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const endpoint = await devtoolsEndpoint(child);
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
    const context = browser.contexts()[0];
    if (context === undefined) throw new Error('Chromium has no default context');
    return {
      browser,
      context,
      async close() {
        await browser.close().catch(() => {});
        await stop(child);
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 5 });
      },
    };
  } catch (error) {
    await stop(child);
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 5 });
    throw error;
  }
}

/** Chromium prints `DevTools listening on ws://...` on stderr once it accepts CDP connections. */
function devtoolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${output}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Stops Chromium: SIGTERM, then SIGKILL if it is still there after 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Playwright Test with a `raw` fixture: a {@link launchRawChromium} per test, closed after it. */
export const rawTest = base.extend<{ raw: RawChromium }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies destructured.
  raw: async ({}, use) => {
    const raw = await launchRawChromium();
    await use(raw);
    await raw.close();
  },
});
