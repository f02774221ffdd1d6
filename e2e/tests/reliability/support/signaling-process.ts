import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot, webDist } from '../../../../scripts/web-build.mjs';
import { freePort } from '../../../support/free-port';

/** The signaling CLI (apps/signaling/src/main.ts), run with tsx as `npm start` would. */
const cli = join(repoRoot, 'apps/signaling/src/main.ts');
const startTimeoutMs = 30_000;

/**
 * A signaling server in its own process, so a test can kill it like a crash would (SIGKILL: no shutdown
 * notice to clients) and start it again on the same port with the same resume-token key (peers keep ids).
 */
export interface SignalingProcess {
  /** `http://127.0.0.1:PORT`, the same across restarts. */
  readonly url: string;
  /** Whether a server process is running. */
  readonly running: boolean;
  /** SIGKILLs the server and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts the server again (after {@link SignalingProcess.kill}); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Kills it for good. */
  close(): Promise<void>;
}

/** Starts the signaling CLI on a free port, serving the built dashboard; `settings` adds to its environment. */
export async function spawnSignaling(settings: Record<string, string> = {}): Promise<SignalingProcess> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...settings,
    PORT: String(port),
    HOST: '127.0.0.1',
    STATIC_DIR: webDist,
    SIGNALING_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
  };
  let child: ChildProcess | undefined;
  const handle: SignalingProcess = {
    url: `http://127.0.0.1:${port}`,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async kill() {
      if (child === undefined) return;
      const dying = child;
      child = undefined;
      if (dying.exitCode !== null || dying.signalCode !== null) return;
      const exited = new Promise((resolve) => dying.once('exit', resolve));
      dying.kill('SIGKILL');
      await exited;
    },
    async start() {
      if (child !== undefined) throw new Error('the signaling server is already running');
      child = await launch(env);
    },
    close: () => handle.kill(),
  };
  await handle.start();
  return handle;
}

/** Spawns the CLI and resolves once it printed its URL (it listens by then). */
function launch(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=conclave-source', '--import', 'tsx', cli], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`signaling server did not start in ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Conclave signaling server: http')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`signaling server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}
