import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/** Debian's coturn, or `TURNSERVER_PATH`; undefined when neither is there. */
export function turnServerPath(): string | undefined {
  const fromEnv = process.env.TURNSERVER_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return existsSync('/usr/bin/turnserver') ? '/usr/bin/turnserver' : undefined;
}

/** A coturn of the test's own, on loopback, with one static long-term-credential user. */
export interface TurnServer {
  /** What `joinRoom`'s `iceServers` takes to use it. */
  readonly iceServer: { urls: string; username: string; credential: string };
  /** Stops it and waits for the process to end. */
  stop(): Promise<void>;
}

/** Resolves once something accepts TCP connections on the port (coturn listens on TCP and UDP alike). */
async function waitForListener(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`turnserver not listening on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts coturn on 127.0.0.1 with relays on loopback too (`--allow-loopback-peers`: both tabs' relayed
 * addresses are on this machine). No TLS, no config file, no database: a static user on the command line.
 */
export async function startTurnServer(executable: string): Promise<TurnServer> {
  const port = await freePort();
  const relayBase = 40_000 + (port % 20_000);
  const username = 'conclave';
  const credential = Math.random().toString(36).slice(2);
  const child = spawn(
    executable,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + 200}`,
      '--lt-cred-mech',
      `--user=${username}:${credential}`,
      '--realm=conclave.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      `--pidfile=${join(tmpdir(), `conclave-turn-${port}.pid`)}`,
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForListener(port, child, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    iceServer: { urls: `turn:127.0.0.1:${port}?transport=udp`, username, credential },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
