import { defineConfig } from 'tsup';
import { packageBuild } from '../../scripts/package-build';

// `#simple-peer` stays an import: the app's bundler picks simple-peer's browser build through the
// package's `imports` map, Node picks the package itself.
export default defineConfig(
  packageBuild({ entry: { index: 'src/index.ts' }, platform: 'browser', external: ['#simple-peer'] }),
);
