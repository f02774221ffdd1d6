import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'election', include: ['test/**/*.test.ts'] } });
