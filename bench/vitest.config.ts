import { defineProject } from 'vitest/config';

// Unit tests of the harness's pure parts (agreement, statistics, flags); the bench itself runs with `npm run bench`.
export default defineProject({ test: { name: 'bench', include: ['test/**/*.test.ts'] } });
