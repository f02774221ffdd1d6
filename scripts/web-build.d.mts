/** The repository root. */
export declare const repoRoot: string;
/** Where `vite build` writes the dashboard. */
export declare const webDist: string;
/** True when `apps/web/dist` is missing or older than one of its inputs. */
export declare function webBuildIsStale(): boolean;
/** Runs `vite build` if the build is stale; throws when the build fails. Returns whether it built. */
export declare function ensureWebBuild(options?: { log?: (message: string) => void }): boolean;
/** Newest modification time of a file or of anything under a directory (0 when missing). */
export declare function newestMtime(path: string): number;
