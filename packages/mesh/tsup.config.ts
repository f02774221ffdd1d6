import { defineConfig } from 'tsup';
import { packageBuild } from '../../scripts/package-build';

export default defineConfig(packageBuild({ entry: { index: 'src/index.ts' }, platform: 'browser' }));
