import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../scripts/source-conditions.mjs';

export default defineProject({ ...sourceConditions, test: { name: 'mesh', include: ['test/**/*.test.ts'] } });
