// `npm start`: build the packages and the dashboard if missing or stale, then run the built signaling CLI
// (`conclave-signaling`, what the package ships), which serves the dashboard, on one port. PORT and HOST
// change where it listens (default 127.0.0.1:5173); every other setting of the CLI (see its --help) passes
// through the environment, and flags after `npm start --` go to the CLI (`npm start -- --host 0.0.0.0`).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensurePackageBuilds } from './package-builds.mjs';
import { ensureWebBuild, repoRoot, webDist } from './web-build.mjs';

try {
  ensurePackageBuilds();
  ensureWebBuild();
} catch (error) {
  console.error(`conclave: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/**
 * The key that signs resume tokens must outlive a restart, or every tab's rejoin after `npm start` is run
 * again is refused (`invalid-resume`) and the tab loses signaling for good. SIGNALING_KEY wins; otherwise a
 * random key is made once and kept in .conclave/signaling.key (git-ignored, readable by the owner only).
 */
function signalingKey() {
  if (process.env.SIGNALING_KEY) return process.env.SIGNALING_KEY;
  const dir = join(repoRoot, '.conclave');
  const file = join(dir, 'signaling.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('hex');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

const server = spawn(
  process.execPath,
  [join(repoRoot, 'apps/signaling/dist/cli.js'), ...process.argv.slice(2)],
  {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: process.env.PORT ?? '5173',
      HOST: process.env.HOST ?? '127.0.0.1',
      STATIC_DIR: webDist,
      SIGNALING_KEY: signalingKey(),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);

// Pass the server's output through, and say what to do once it prints where it listens.
createInterface({ input: server.stdout }).on('line', (line) => {
  console.log(line);
  const listening = /^Conclave signaling server: (\S+)/.exec(line);
  if (listening) {
    // A wildcard bind is reached from this machine through loopback (browsers refuse 0.0.0.0).
    const url = listening[1].replace(/^http:\/\/(0\.0\.0\.0|\[::\])/, 'http://127.0.0.1');
    console.log(
      `\n  Conclave is running: open ${url} in several tabs (${url}/?room=NAME for another room).\n`,
    );
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)));
