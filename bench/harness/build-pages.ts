import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { sourceConditions } from '../../scripts/source-conditions.mjs';
import type { PackageAliases } from './source-snapshot';

/** Where the harness writes the built pages; served as the signaling server's static directory. */
export const pagesOutDir = fileURLToPath(new URL('../.build', import.meta.url));
const pagesRoot = fileURLToPath(new URL('../pages', import.meta.url));

/**
 * Builds bench/pages (conclave.html, bc.html) with Vite into {@link pagesOutDir}; `packageAliases` point the
 * `@conclave/*` imports at another copy of the packages (see `sourceSnapshot`).
 */
export async function buildPages(packageAliases: PackageAliases = []): Promise<string> {
  await build({
    configFile: false,
    root: pagesRoot,
    logLevel: 'warn',
    // simple-peer 9 needs Node globals; its prebuilt browser bundle does not (see the WebRTC recipe).
    resolve: {
      // The packages' sources, as the dev server and tests use them (no `npm run build:packages` needed).
      conditions: sourceConditions.resolve.conditions,
      alias: [
        { find: /^simple-peer$/, replacement: 'simple-peer/simplepeer.min.js' },
        ...packageAliases.map(({ find, replacement }) => ({ find: new RegExp(`^${find}$`), replacement })),
      ],
    },
    build: {
      outDir: pagesOutDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: {
        input: { conclave: `${pagesRoot}/conclave.html`, bc: `${pagesRoot}/bc.html` },
      },
    },
  });
  return pagesOutDir;
}
