import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { sourceConditions } from './scripts/source-conditions.mjs';

/**
 * Builds the dashboard (`apps/web`) into `apps/web/dist`, which the signaling server serves (`npm start`).
 * `npx vite` runs the dev server on :5174 and proxies Socket.IO to a signaling server
 * (`SIGNALING_URL`, default http://127.0.0.1:5173: start one with `npm start -w @conclave/signaling`).
 */
const signalingUrl = process.env.SIGNALING_URL ?? 'http://127.0.0.1:5173';

export default defineConfig({
  root: fileURLToPath(new URL('apps/web', import.meta.url)),
  plugins: [react()],
  // Workspace packages from source (no build needed); @conclave/mesh's WebRTC peer needs no Node globals.
  ...sourceConditions,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // React, Socket.IO, simple-peer-light and zod in one chunk: ~500 kB minified, ~150 kB gzipped. Fine for a
    // one-page dashboard; raise the warning threshold rather than split.
    chunkSizeWarningLimit: 700,
  },
  server: {
    host: '127.0.0.1',
    port: 5174,
    proxy: { '/socket.io': { target: signalingUrl, ws: true } },
  },
});
