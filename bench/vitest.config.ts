import { defineProject } from 'vitest/config';
import { sourceConditions } from '../scripts/source-conditions.mjs';

// Unit tests of the harness's pure parts (agreement, statistics, flags); the bench itself runs with `npm run bench`.
export default defineProject({
  ...sourceConditions,
  test: { name: 'bench', include: ['test/**/*.test.ts'] },
});
