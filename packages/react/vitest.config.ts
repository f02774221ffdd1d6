import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../scripts/source-conditions.mjs';

export default defineProject({
  ...sourceConditions,
  test: { name: 'react', include: ['test/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
});
