import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'shared-work', include: ['test/**/*.test.ts'] } });
