import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'signaling', include: ['test/**/*.test.ts'] } });
