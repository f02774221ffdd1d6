import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectClient, peerIn, raw, startServer } from './support/server';

/** The value of one sample in Prometheus text, e.g. `conclave_peers` or `x{code="y"}`; 0 when absent. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

/** GET with the path sent as is (fetch would normalize the dot segments away). */
function rawGet(base: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(new URL(base), { path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(`${response.statusCode} ${body}`));
    });
    request.on('error', reject);
  });
}

describe('/healthz', () => {
  it('reports ok with live counts as JSON', async () => {
    const server = await startServer();
    await peerIn(server.url, 'a');
    await peerIn(server.url, 'a');
    await peerIn(server.url, 'b');
    await connectClient(server.url);
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({
      status: 'ok',
      connections: 4,
      peers: 3,
      rooms: 2,
      redis: 'disabled',
    });
  });
});

describe('/metrics', () => {
  it('reflects connections, rooms, peers, relayed signals and rejected inputs by code', async () => {
    const server = await startServer();
    const other = await startServer();
    const a = await peerIn(server.url, 'lobby');
    const b = await peerIn(server.url, 'lobby');
    await peerIn(server.url, 'side');
    for (let n = 0; n < 3; n++) await a.client.emitWithAck('signal', { to: b.id, data: { n } });
    await raw(a.client).emitWithAck('signal', { to: 'bad' });
    await raw(a.client).emitWithAck('signal', { to: 'bad', data: {} });
    await raw(a.client).emitWithAck('nope');
    await a.client.emitWithAck('signal', { to: 'e'.repeat(32), data: {} });

    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'conclave_connections')).toBe(3);
    expect(sample(text, 'conclave_peers')).toBe(3);
    expect(sample(text, 'conclave_rooms')).toBe(2);
    expect(sample(text, 'conclave_relayed_signals_total')).toBe(3);
    expect(sample(text, 'conclave_joins_total')).toBe(3);
    expect(sample(text, 'conclave_rejected_inputs_total{code="invalid-payload"}')).toBe(2);
    expect(sample(text, 'conclave_rejected_inputs_total{code="unknown-event"}')).toBe(1);
    expect(sample(text, 'conclave_rejected_inputs_total{code="unknown-peer"}')).toBe(1);

    // Each server has its own registry.
    const otherText = await (await fetch(`${other.url}/metrics`)).text();
    expect(sample(otherText, 'conclave_relayed_signals_total')).toBe(0);
    expect(sample(otherText, 'conclave_peers')).toBe(0);
  });
});

describe('static web app', () => {
  async function webDist(): Promise<string> {
    const dir = await mkdtemp(joinPath(tmpdir(), 'conclave-web-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(joinPath(dir, 'index.html'), '<!doctype html><title>Conclave</title>');
    await mkdir(joinPath(dir, 'assets'));
    await writeFile(joinPath(dir, 'assets', 'app.js'), 'console.log("app")');
    return dir;
  }

  it('serves files, falls back to index.html for app routes, 404s missing assets', async () => {
    const server = await startServer({ staticDir: await webDist() });
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<title>Conclave</title>');

    const asset = await fetch(`${server.url}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await asset.text()).toBe('console.log("app")');

    const route = await fetch(`${server.url}/room/lobby`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Conclave</title>');

    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    for (const path of [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      expect(await rawGet(server.url, path)).not.toContain('root:');
    }
    expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('serves Socket.IO on the same port as the app', async () => {
    const server = await startServer({ staticDir: await webDist() });
    const polling = await connectClient(server.url, { transports: ['polling'] });
    expect(polling.connected).toBe(true);
  });

  it('answers 404 when there is no built app', async () => {
    const server = await startServer({ staticDir: joinPath(tmpdir(), 'conclave-does-not-exist') });
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
