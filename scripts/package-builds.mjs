// Builds the publishable packages (tsup, each package's tsup.config.ts) into their dist/ when missing or older
// than their sources. Inside the workspace, tests and Vite read src/ (the `conclave-source` condition); what runs
// under plain Node (the signaling CLI, the e2e fixtures, the consumer test) uses dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime, repoRoot } from './web-build.mjs';

/** Every publishable package's directory, dependencies first. */
export const packageDirs = [
  'packages/protocol',
  'packages/election',
  'packages/shared-work',
  'packages/mesh',
  'packages/react',
  'apps/signaling',
];

/** True when `dir`'s dist is missing or older than its sources or build configuration. */
export function packageBuildIsStale(dir) {
  const built = join(repoRoot, dir, 'dist/index.js');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const inputs = [
    join(dir, 'src'),
    join(dir, 'package.json'),
    join(dir, 'tsup.config.ts'),
    'scripts/package-build.ts',
    'tsconfig.json',
  ];
  return inputs.some((input) => newestMtime(join(repoRoot, input)) > builtAt);
}

/**
 * Builds every stale package (all of them with `force`); throws when a build fails.
 * @returns the directories it built.
 */
export function ensurePackageBuilds({ log = console.log, force = false } = {}) {
  const tsup = join(repoRoot, 'node_modules/tsup/dist/cli-default.js');
  const built = [];
  for (const dir of packageDirs) {
    if (!force && !packageBuildIsStale(dir)) continue;
    log(`conclave: building ${dir} (tsup)…`);
    const result = spawnSync(process.execPath, [tsup, '--silent'], {
      cwd: join(repoRoot, dir),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0)
      throw new Error(`building ${dir} failed (exit ${result.status ?? result.signal})`);
    built.push(dir);
  }
  return built;
}

// `node scripts/package-builds.mjs [--force]`: the `build:packages` script.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  try {
    ensurePackageBuilds({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(`conclave: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
