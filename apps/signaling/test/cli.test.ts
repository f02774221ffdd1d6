import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Runs the CLI (`conclave-signaling`) from source, as the built bin runs it, and waits for it to exit. */
function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=conclave-source', '--import', 'tsx', 'src/main.ts', ...args],
    { cwd: packageDir, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each run starts Node with the TypeScript loader: seconds on a loaded machine.
describe('conclave-signaling', { timeout: 120_000 }, () => {
  it('prints its version and exits 0 with --version', () => {
    const { code, stdout } = cli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('prints the flags with --help', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: conclave-signaling/);
    for (const flag of ['--port', '--static-dir', '--version']) expect(stdout).toContain(flag);
    expect(stdout).toContain('none when');
  });

  it('exits 2 listing every bad setting, from flags and environment alike', () => {
    const { code, stderr } = cli(['--port', 'abc'], { ROOM_CAPACITY: '0' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('ROOM_CAPACITY');
  });
});
