// What an outsider's install sees, for every publishable package: publint (package.json against the packed
// files) and Are The Types Wrong (types resolve for ESM consumers under node16 and bundler resolution).
// Run after the packages are built (`npm run test:package` does both).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageDirs } from './package-builds.mjs';
import { repoRoot } from './web-build.mjs';

const bin = (name) => join(repoRoot, 'node_modules/.bin', name);
const failed = [];
for (const dir of packageDirs) {
  const cwd = join(repoRoot, dir);
  const checks = [
    [bin('publint'), ['--strict', '.']],
    // ESM only, by design: CommonJS `require` of an ESM package is not a supported way in.
    [bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped']],
  ];
  for (const [command, args] of checks) {
    const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
    if (result.status !== 0) failed.push(`${dir}: ${command.split('/').pop()}`);
  }
}
if (failed.length > 0) {
  console.error(`\npackage checks failed:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
console.log(`package checks: publint and attw pass for ${packageDirs.length} packages`);
