import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A throwaway redis-server on a free port (no persistence). */
export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** `kill -9`: no goodbye to clients, nothing flushed. */
  kill(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once redis-server says it is ready; rejects with its output if it exits first. */
function awaitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
}

/**
 * Starts `redis-server` (retrying on a port race). Returns undefined — after a loud warning — only when
 * it truly cannot start (not installed); the Redis tests are then skipped.
 */
export async function startRedis(options: { port?: number } = {}): Promise<RedisProcess | undefined> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await awaitReady(child);
      const end = (signal: NodeJS.Signals) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill(signal);
        });
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () => end('SIGTERM'),
        kill: () => end('SIGKILL'),
      };
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
    }
  }
  console.warn(
    `\n${'!'.repeat(78)}\n!! redis-server could not start: SKIPPING the Redis scale-out tests.\n!! ${String(lastError)}\n!! Install it (apt-get install redis-server; .ci/run does) to run them.\n${'!'.repeat(78)}\n`,
  );
  return undefined;
}
