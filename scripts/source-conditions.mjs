import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * Resolve options for Vite and Vitest inside the workspace: `@conclave/*` packages resolve through their
 * `conclave-source` export condition to `src/`, so tests and the dev server never need `npm run build:packages`.
 * Apps outside the workspace do not set it and get `dist/`.
 */
export const sourceConditions = {
  resolve: { conditions: ['conclave-source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['conclave-source', ...defaultServerConditions] } },
};
