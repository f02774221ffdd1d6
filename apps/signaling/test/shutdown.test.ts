import { type ChildProcess, spawn } from 'node:child_process';
import { connect as connectTcp } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectClient, nextEvent, peerIn, startServer } from './support/server';

describe('close()', () => {
  it('tells every client `shutdown` with a jittered reconnect delay, then disconnects them', async () => {
    const server = await startServer({ reconnectAfterMs: 500 });
    const a = await peerIn(server.url, 'lobby');
    const idle = await connectClient(server.url);
    const notices = [nextEvent(a.client, 'shutdown'), nextEvent(idle, 'shutdown')];
    const reasons = [a.client, idle].map(
      (client) => new Promise<string>((resolve) => client.once('disconnect', resolve)),
    );
    await server.close();
    for (const notice of await Promise.all(notices)) {
      expect(notice.reconnectAfterMs).toBeGreaterThanOrEqual(500);
      expect(notice.reconnectAfterMs).toBeLessThanOrEqual(1000);
    }
    expect(await Promise.all(reasons)).toEqual(['io server disconnect', 'io server disconnect']);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('does not tell a room its members left when it is the server closing their connections', async () => {
    const server = await startServer({ reconnectAfterMs: 500 });
    const members = [
      await peerIn(server.url, 'lobby'),
      await peerIn(server.url, 'lobby'),
      await peerIn(server.url, 'lobby'),
    ];
    const heard: string[] = [];
    for (const member of members) member.client.on('peer-left', ({ id }) => heard.push(id));
    const disconnected = members.map(
      ({ client }) => new Promise((resolve) => client.once('disconnect', resolve)),
    );
    // A leave before the shutdown is still announced, so the listeners above do hear peer-left.
    const leaver = await peerIn(server.url, 'lobby');
    const announced = members.map(({ client }) => nextEvent(client, 'peer-left'));
    leaver.client.disconnect();
    expect(await Promise.all(announced)).toEqual(members.map(() => ({ id: leaver.id })));
    heard.length = 0;
    await server.close();
    await Promise.all(disconnected);
    expect(heard).toEqual([]);
  });

  it('finishes within shutdownTimeoutMs even when a connection hangs mid-request', async () => {
    const server = await startServer({ shutdownTimeoutMs: 200 });
    const hanging = connectTcp(server.port, '127.0.0.1');
    const hangingClosed = new Promise((resolve) => hanging.once('close', resolve));
    await new Promise((resolve) => hanging.once('connect', resolve));
    hanging.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // headers never finish
    await server.close();
    await hangingClosed;
  });

  it('finishes within shutdownTimeoutMs even when a WebSocket peer never answers the close handshake', async () => {
    const server = await startServer({ shutdownTimeoutMs: 200 });
    const mute = connectTcp(server.port, '127.0.0.1');
    const muteClosed = new Promise((resolve) => mute.once('close', resolve));
    await new Promise((resolve) => mute.once('connect', resolve));
    const upgraded = new Promise<void>((resolve) => {
      mute.once('data', (chunk: Buffer) => {
        expect(chunk.toString()).toMatch(/^HTTP\/1.1 101/);
        resolve();
      });
    });
    mute.write(
      [
        'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
        'Host: 127.0.0.1',
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}`,
        '',
        '',
      ].join('\r\n'),
    );
    await upgraded;
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await muteClosed;
  });
});

const mainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the CLI with tsx; resolves with the process once it printed its URL. */
async function startCli(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--conditions=conclave-source', '--import', 'tsx', mainPath], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Conclave signaling server: (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code} before listening: ${out}`)));
  });
  return { child, url };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

// Each test spawns a cold Node + tsx process: on a loaded 2-core machine that alone has taken over 5 s
// (vitest's default), so these get a longer bound; a hang still fails.
describe('CLI', { timeout: 30_000 }, () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s emits `shutdown` to clients and exits 0', async (signal) => {
    const { child, url } = await startCli({ PORT: '0', ROOM_CAPACITY: '5' });
    const a = await peerIn(url, 'lobby');
    const shutdown = nextEvent(a.client, 'shutdown');
    child.kill(signal);
    expect(await shutdown).toMatchObject({ reconnectAfterMs: expect.any(Number) });
    expect(await exitCode(child)).toBe(0);
  });

  it('refuses invalid configuration with a clear message and exit code 2', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=conclave-source', '--import', 'tsx', mainPath, '--room-capacity', 'lots'],
      {
        env: { ...process.env, PORT: '99999' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    expect(await exitCode(child)).toBe(2);
    expect(err).toContain('PORT');
    expect(err).toContain('ROOM_CAPACITY');
    expect(err).toContain('Usage');
  });
});
