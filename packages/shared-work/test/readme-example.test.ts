import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createLeaderWork, LeaderCallError, type LeaderWorkApi } from '../src';
import { MemoryNetwork } from './support/memory-room';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * The README's "Use it in your app" example, as written, minus its imports and `joinRoom` line (the room is
 * handed in): TypeScript transpiled to a function of `room`, `LeaderCallError` and `console`.
 */
function readmeExample(): (room: LeaderWorkApi, console: Pick<Console, 'log' | 'warn'>) => Promise<void> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your app'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('no example in README');
  expect(code).toContain("from '@conclave/mesh'");
  expect(code).toMatch(/const room = await joinRoom\(/);
  const body = code
    .split('\n')
    .filter((line) => !line.startsWith('import ') && !line.includes('await joinRoom('))
    .join('\n');
  const js = ts.transpileModule(body, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  const run = new AsyncFunction('room', 'LeaderCallError', 'console', js);
  return (room, console) => run(room, LeaderCallError, console);
}

it('the README example runs as written: the leader counts, a follower sees it and calls the leader', async () => {
  const example = readmeExample();
  const network = new MemoryNetwork();
  const logs = new Map<string, string[]>();
  const runs = ['a', 'b'].map((id) => {
    network.add(id);
    const lines: string[] = [];
    logs.set(id, lines);
    const work = createLeaderWork(network.core(id), { takeoverSyncMs: 0 });
    const log = (...args: unknown[]) => void lines.push(args.join(' '));
    return { id, work, log };
  });
  network.setLeader('a', 1);
  const done = runs.map(({ work, log }) => example(work, { log, warn: log }));
  await vi.advanceTimersByTimeAsync(3500);
  await Promise.all(done);
  // Both tabs added 10 through the leader (the leader locally, first), then the leader counted each second.
  const counts = [
    'count 10 (term 1)',
    'count 20 (term 1)',
    'count 21 (term 1)',
    'count 22 (term 1)',
    'count 23 (term 1)',
  ];
  for (const id of ['a', 'b'])
    expect(logs.get(id)!.filter((line) => line.startsWith('count'))).toEqual(counts);
  expect(logs.get('a')).toContain('total 10');
  expect(logs.get('b')).toContain('total 20');
});

it('the README example reports a failed call with its code', async () => {
  const example = readmeExample();
  const network = new MemoryNetwork();
  network.add('lonely');
  const work = createLeaderWork(network.core('lonely'), {
    takeoverSyncMs: 0,
    callDefaults: { deadlineMs: 1000 },
  });
  const lines: string[] = [];
  const log = (...args: unknown[]) => void lines.push(args.join(' '));
  const done = example(work, { log, warn: log }); // nobody leads
  await vi.advanceTimersByTimeAsync(1000);
  await done;
  expect(lines).toEqual(['add failed: no-leader']);
});
