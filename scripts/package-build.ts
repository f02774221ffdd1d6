import type { Options } from 'tsup';

/**
 * How every publishable package is built (each package's tsup.config.ts calls this): ESM JavaScript with
 * source maps and bundled .d.ts in `dist/`, dependencies left as imports. Inside the workspace nothing
 * needs this build: the `conclave-source` export condition sends vitest, Vite and tsc to `src/`.
 */
export function packageBuild(options: {
  entry: Record<string, string>;
  platform: 'neutral' | 'browser' | 'node';
  /** Imports kept as they are (package subpath imports the consumer's bundler resolves). */
  external?: string[];
}): Options {
  return {
    entry: options.entry,
    format: ['esm'],
    platform: options.platform,
    target: 'es2022',
    // tsup's declaration build sets baseUrl, which TypeScript 6 deprecates.
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    clean: true,
    outDir: 'dist',
    external: options.external ?? [],
    tsconfig: 'tsconfig.json',
  };
}
