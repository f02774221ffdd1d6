import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, type Page, test } from '@playwright/test';
import { packageDirs } from '../../scripts/package-builds.mjs';
import { repoRoot } from '../../scripts/web-build.mjs';

/**
 * An outsider's install: every package packed into a directory outside the repository, a stock Vite + React
 * app there that installs only those tarballs and public packages, built, served by the packed
 * `conclave-signaling`, and used from three tabs. A plain Node script there runs the election simulator.
 */
const template = join(repoRoot, 'e2e/consumer/template');
const versionOf = (name: string) =>
  (
    JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

let dir = '';
let server: ChildProcess | undefined;

test.afterAll(() => {
  server?.kill('SIGTERM');
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Uncaught errors of every tab, shown when the tabs do not agree. */
const pageErrors: string[] = [];

const text = (page: Page, id: string) =>
  page
    .getByTestId(id)
    .textContent({ timeout: 1_000 })
    .catch(() => null);

/** What each tab shows: its id, its leader, whether it leads, and the shared greeting it received. */
async function views(pages: readonly Page[]) {
  return Promise.all(
    pages.map(async (page) => ({
      self: await text(page, 'self'),
      leader: await text(page, 'leader'),
      isLeader: (await text(page, 'is-leader')) === 'true',
      greeting: await text(page, 'greeting'),
    })),
  );
}

/** Polls until the tabs agree on one leader (one of them) whose greeting every tab shows; returns it. */
async function agreedLeader(pages: readonly Page[], notLeader?: string): Promise<string> {
  let leader = '';
  await expect
    .poll(
      async () => {
        const seen = await views(pages);
        const leaders = new Set(seen.map((view) => view.leader));
        const leading = seen.filter((view) => view.isLeader);
        if (leaders.size !== 1 || leading.length !== 1) {
          return `no single leader: ${JSON.stringify(seen)} ${pageErrors.join('; ')}`;
        }
        leader = leading[0]?.self ?? '';
        if (leader === notLeader) return 'the old leader still leads';
        if (!seen.every((view) => view.greeting?.startsWith(`hello from ${leader} `))) {
          return `greeting not everywhere: ${JSON.stringify(seen)}`;
        }
        return 'agreed';
      },
      { timeout: 60_000, intervals: [250, 500] },
    )
    .toBe('agreed');
  return leader;
}

test('an app outside the repository installs the packed packages, builds, and elects over the packed CLI', async ({
  browser,
}) => {
  test.setTimeout(15 * 60_000);
  dir = mkdtempSync(join(tmpdir(), 'conclave-consumer-'));

  const packed = JSON.parse(
    execFileSync(
      'npm',
      ['pack', ...packageDirs.map((packageDir) => `./${packageDir}`), '--pack-destination', dir, '--json'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    ),
  ) as Array<{ name: string; filename: string }>;
  const tarballs = Object.fromEntries(packed.map(({ name, filename }) => [name, `file:./${filename}`]));
  cpSync(template, dir, { recursive: true });
  const manifest = {
    name: 'conclave-consumer',
    private: true,
    type: 'module',
    dependencies: {
      ...tarballs,
      react: versionOf('react'),
      'react-dom': versionOf('react-dom'),
      zod: versionOf('zod'),
    },
    devDependencies: {
      vite: versionOf('vite'),
      '@vitejs/plugin-react': versionOf('@vitejs/plugin-react'),
      webpack: '^5.100.0',
      'webpack-cli': '^6.0.0',
    },
    // The packages' dependencies on each other are the packed ones too, never the registry's.
    overrides: tarballs,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'pipe',
  });
  execFileSync(
    process.execPath,
    [join(dir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: dir,
      stdio: 'pipe',
    },
  );

  // webpack with no configuration at all bundles joinRoom too (Vite's build above is the other bundler).
  execFileSync(
    process.execPath,
    [
      join(dir, 'node_modules/webpack/bin/webpack.js'),
      '--mode',
      'production',
      '--entry',
      './webpack-entry.js',
      '--output-path',
      join(dir, 'dist-webpack'),
    ],
    { cwd: dir, stdio: 'pipe' },
  );

  const simulation = execFileSync(process.execPath, ['simulate.mjs'], { cwd: dir, encoding: 'utf8' });
  expect(JSON.parse(simulation).leaders).toHaveLength(1);

  const cli = join(dir, 'node_modules/.bin/conclave-signaling');
  expect(execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim()).toBe(
    versionOf('@conclave/signaling'),
  );
  server = spawn(cli, ['--port', '0', '--static-dir', join(dir, 'dist'), '--log-level', 'warn'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    server?.once('exit', (code) => reject(new Error(`conclave-signaling exited (${code})`)));
    createInterface({ input: server?.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const listening = /^Conclave signaling server: (\S+)/.exec(line);
      if (listening?.[1]) resolve(listening[1]);
    });
  });

  const context = await browser.newContext();
  const pages = await Promise.all([0, 1, 2].map(() => context.newPage()));
  for (const page of pages) page.on('pageerror', (error) => pageErrors.push(error.message));
  for (const page of pages) await page.goto(`${url}/?room=consumer`);
  const first = await agreedLeader(pages);

  const leaderPage = pages[(await views(pages)).findIndex((view) => view.self === first)];
  await leaderPage?.close({ runBeforeUnload: true });
  const rest = pages.filter((page) => page !== leaderPage);
  const second = await agreedLeader(rest, first);
  expect(second).not.toBe(first);
  await context.close();
});
