import { defineConfig } from 'vitest/config';

// One Vitest run covers every workspace with unit tests; e2e (Playwright) runs separately.
export default defineConfig({
  test: {
    projects: [
      'packages/election',
      'packages/protocol',
      'packages/mesh',
      'packages/shared-work',
      'packages/react',
      'apps/signaling',
      'apps/web',
      'bench',
    ],
    passWithNoTests: false,
  },
});
