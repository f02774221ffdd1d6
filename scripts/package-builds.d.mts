/** Every publishable package's directory, dependencies first. */
export declare const packageDirs: readonly string[];
/** True when `dir`'s dist is missing or older than its sources or build configuration. */
export declare function packageBuildIsStale(dir: string): boolean;
/** Builds every stale package (all of them with `force`); throws when a build fails. Returns what it built. */
export declare function ensurePackageBuilds(options?: {
  log?: (message: string) => void;
  force?: boolean;
}): string[];
