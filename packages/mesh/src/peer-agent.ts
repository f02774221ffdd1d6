import * as z from 'zod/mini';

/** The browser and platform a peer says it runs on: for display only, never trusted for a decision. */
export interface PeerAgent {
  /** e.g. `Firefox 153`, `Chrome 156`, `Safari 18`. */
  readonly browser: string;
  /** e.g. `Linux`, `macOS`, `Windows`, `Android`, `iOS`. */
  readonly platform: string;
}

/** Longest browser or platform string accepted from a peer. */
export const maxAgentTextLength = 40;

/** Printable ASCII only (no control characters, no bidi overrides that could disguise a row), 1–40 long. */
const agentText = z
  .string()
  .check(z.minLength(1), z.maxLength(maxAgentTextLength), z.regex(/^[\x20-\x7E]+$/));

export const peerAgentSchema = z.strictObject({ browser: agentText, platform: agentText });

/** The shape of `navigator` this reads (absent outside browsers). */
interface NavigatorLike {
  readonly userAgent?: string;
  readonly userAgentData?: { readonly platform?: string };
}

const browsers: readonly [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (Mobile\/\S+ )?Safari\//, 'Safari'],
];

const platforms: readonly [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/**
 * This tab's browser and platform, from `navigator` (Client Hints' platform where offered, else the user
 * agent string); undefined outside a browser. Coarse on purpose: a name and a major version, no more.
 */
export function describeAgent(navigator: NavigatorLike | undefined): PeerAgent | undefined {
  const ua = navigator?.userAgent;
  if (ua === undefined || ua === '') return undefined;
  let browser = 'unknown browser';
  for (const [pattern, name] of browsers) {
    const match = pattern.exec(ua);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const hinted = navigator?.userAgentData?.platform;
  const platform =
    hinted !== undefined && hinted !== ''
      ? hinted
      : (platforms.find(([pattern]) => pattern.test(ua))?.[1] ?? 'unknown platform');
  const parsed = peerAgentSchema.safeParse({ browser, platform: platform === 'Mac OS' ? 'macOS' : platform });
  return parsed.success ? parsed.data : undefined;
}
