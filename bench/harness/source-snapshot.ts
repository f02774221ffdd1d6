import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The workspace packages the bench pages bundle (directly or through @conclave/mesh). */
const packages = ['election', 'mesh', 'protocol', 'shared-work'] as const;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const snapshotsDir = fileURLToPath(new URL('../.build-src', import.meta.url));

function git(args: readonly string[]): string {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
}

/** Which code a run measures: the commit, and whether the working tree's packages differed from it. */
export interface SourceInfo {
  readonly ref: string;
  readonly commit: string;
  /** True when the packages were taken from a working tree with uncommitted changes to them. */
  readonly dirty: boolean;
}

/** Vite aliases that make the pages bundle `@conclave/*` from `root` (an extracted commit). */
export type PackageAliases = { find: string; replacement: string }[];

/**
 * The packages at a git ref, extracted (git archive) under bench/.build-src/<commit> so that a run measures
 * committed code even while the working tree is being edited. Without a ref: the working tree as it is.
 */
export function sourceSnapshot(ref: string | undefined): { info: SourceInfo; aliases: PackageAliases } {
  if (ref === undefined) {
    const dirty = git(['status', '--porcelain', '--', ...packages.map((name) => `packages/${name}`)]) !== '';
    return { info: { ref: 'working tree', commit: git(['rev-parse', 'HEAD']), dirty }, aliases: [] };
  }
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const root = `${snapshotsDir}/${commit}`;
  if (!existsSync(root)) {
    mkdirSync(root, { recursive: true });
    // The root tsconfig too: the packages' tsconfigs extend it and the bundler reads them.
    const paths = ['tsconfig.json', ...packages.map((name) => `packages/${name}`)];
    const archive = execFileSync('git', ['archive', commit, ...paths], {
      cwd: repoRoot,
      maxBuffer: 256 * 2 ** 20,
    });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
  }
  const aliases = packages.map((name) => ({
    find: `@conclave/${name}`,
    replacement: `${root}/packages/${name}/src/index.ts`,
  }));
  return { info: { ref, commit, dirty: false }, aliases };
}
