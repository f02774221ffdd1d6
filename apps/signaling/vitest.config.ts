import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../scripts/source-conditions.mjs';

export default defineProject({
  ...sourceConditions,
  test: { name: 'signaling', include: ['test/**/*.test.ts'] },
});
