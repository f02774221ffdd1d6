// Builds the dashboard with Vite when its output is missing or older than anything it is built from.
// Shared by `npm start` (scripts/start.mjs) and the e2e global setup.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `vite build` writes the dashboard. */
export const webDist = join(repoRoot, 'apps/web/dist');

/** Everything that ends up in the bundle: the app, the packages it imports, and the build config. */
const inputs = [
  'apps/web/index.html',
  'apps/web/src',
  'packages/mesh/src',
  'packages/election/src',
  'packages/protocol/src',
  'packages/shared-work/src',
  'packages/react/src',
  'vite.config.ts',
  'package-lock.json',
];

/** Newest modification time of a file or of anything under a directory (0 when missing). */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `apps/web/dist` is missing or older than one of its inputs. */
export function webBuildIsStale() {
  const built = join(webDist, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return inputs.some((input) => newestMtime(join(repoRoot, input)) > builtAt);
}

/**
 * Runs `vite build` if {@link webBuildIsStale}; throws when the build fails.
 * @returns whether it built.
 */
export function ensureWebBuild({ log = console.log } = {}) {
  if (!webBuildIsStale()) return false;
  log('conclave: building the dashboard (vite build)…');
  const vite = join(repoRoot, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
  return true;
}
