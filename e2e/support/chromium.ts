import { existsSync } from 'node:fs';

/** Chromium's own flags for every e2e browser: plain host ICE candidates, nothing multicast off the machine. */
export const chromiumArgs = ['--disable-features=WebRtcHideLocalIpsWithMdns'];

/**
 * The Chromium to drive, chosen at run time: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`, else
 * undefined (Playwright's own browser, if one is installed).
 */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}
