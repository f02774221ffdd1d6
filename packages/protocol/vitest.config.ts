import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../scripts/source-conditions.mjs';

export default defineProject({
  ...sourceConditions,
  test: { name: 'protocol', include: ['test/**/*.test.ts'] },
});
