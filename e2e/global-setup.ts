import { ensureWebBuild } from '../scripts/web-build.mjs';

/** Builds the dashboard once before any worker starts a signaling server that serves it. */
export default function globalSetup(): void {
  ensureWebBuild();
}
