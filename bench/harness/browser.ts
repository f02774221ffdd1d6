import { existsSync } from 'node:fs';
import { type Browser, chromium } from '@playwright/test';

/** The Chromium the bench drives: CHROMIUM_PATH, else the system's /usr/bin/chromium, else Playwright's own. */
export function chromiumExecutable(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/**
 * Launches headless Chromium. mDNS host-candidate hiding is off so ICE uses plain local addresses and
 * nothing leaves the machine (see shared/notes/webrtc-recipe.md).
 */
export function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumExecutable();
  return chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
}
