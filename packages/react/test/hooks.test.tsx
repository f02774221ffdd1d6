import type { Room } from '@conclave/mesh';
import {
  type CallContext,
  type CallHandler,
  type LeaderTask,
  type SharedEntry,
  SharedWorkUsageError,
} from '@conclave/shared-work';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConclaveRoom,
  useCallLeader,
  useCallLeaderDetailed,
  useRoom,
  useRunWhileLeader,
  useServe,
  useShared,
} from '../src';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A joined fake room with one shared value, recorded leader tasks and a callLeader spy. */
function fakeRoom() {
  let entry: SharedEntry<number> | undefined;
  const listeners = new Set<(entry: SharedEntry<number>) => void>();
  const handle = {
    get: () => entry,
    subscribe: (listener: (entry: SharedEntry<number>) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish: (value: number) => {
      entry = { value, term: 1, version: (entry?.version ?? 0) + 1 };
      for (const listener of listeners) listener(entry);
      return entry;
    },
  };
  const tasks: LeaderTask[] = [];
  const unregister = vi.fn();
  const room = {
    id: 'a',
    leadership: () => ({ isLeader: false, leaderId: undefined, term: 0 }),
    onLeadershipChange: () => () => {},
    leave: vi.fn(async () => {}),
    shared: vi.fn(() => handle),
    runWhileLeader: vi.fn((task: LeaderTask) => {
      tasks.push(task);
      return unregister;
    }),
    callLeader: vi.fn(async (method: string, args: unknown) => ({ method, args })),
    callLeaderDetailed: vi.fn(async (method: string) => ({
      value: method,
      term: 4,
      leaderId: 'b',
      attempts: 2,
    })),
    served: new Map<string, CallHandler>(),
    serve: vi.fn((method: string, handler: CallHandler) => {
      room.served.set(method, handler);
      return () => room.served.delete(method);
    }),
  };
  return { room: room as unknown as Room, spies: room, handle, tasks, unregister };
}

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
});
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

describe('hooks', () => {
  it('useShared re-renders with every accepted value; useRunWhileLeader registers once and uses the newest task', async () => {
    const fake = fakeRoom();
    const runs: string[] = [];
    let call: ReturnType<typeof useCallLeader> | undefined;
    function Counter({ label }: { label: string }) {
      const { entry } = useShared<number>('counter');
      useRunWhileLeader(() => {
        runs.push(label);
      });
      call = useCallLeader();
      return <p>{entry?.value ?? 'none'}</p>;
    }
    const container = document.createElement('div');
    root = createRoot(container);
    const view = (label: string) => (
      <ConclaveRoom options={{ signalingUrl: 'http://127.0.0.1:1', room: 'r' }} join={async () => fake.room}>
        <Counter label={label} />
      </ConclaveRoom>
    );
    act(() => root?.render(view('first')));
    await settle();
    expect(container.textContent).toBe('none');
    act(() => fake.handle.publish(7));
    expect(container.textContent).toBe('7');

    act(() => root?.render(view('second')));
    expect(fake.spies.runWhileLeader).toHaveBeenCalledTimes(1);
    fake.tasks[0]?.({ signal: new AbortController().signal, term: 1 } as Parameters<LeaderTask>[0]);
    expect(runs).toEqual(['second']);

    await expect(call?.('add', 2)).resolves.toEqual({ method: 'add', args: 2 });
    act(() => root?.unmount());
    root = undefined;
    expect(fake.unregister).toHaveBeenCalledTimes(1);
  });

  it('useServe answers with the newest handler, registers once per method, unregisters on unmount; useCallLeaderDetailed passes the details', async () => {
    const fake = fakeRoom();
    let detailed: ReturnType<typeof useCallLeaderDetailed> | undefined;
    function Server({ answer }: { answer: string }) {
      useServe('whoami', () => answer);
      detailed = useCallLeaderDetailed();
      return null;
    }
    const container = document.createElement('div');
    root = createRoot(container);
    const view = (answer: string) => (
      <ConclaveRoom options={{ signalingUrl: 'http://127.0.0.1:1', room: 'r' }} join={async () => fake.room}>
        <Server answer={answer} />
      </ConclaveRoom>
    );
    act(() => root?.render(view('first')));
    await settle();
    act(() => root?.render(view('second')));
    expect(fake.spies.serve).toHaveBeenCalledTimes(1);
    expect(fake.spies.served.get('whoami')?.(undefined, {} as CallContext)).toBe('second');
    await expect(detailed?.('whoami')).resolves.toEqual({
      value: 'whoami',
      term: 4,
      leaderId: 'b',
      attempts: 2,
    });
    act(() => root?.unmount());
    root = undefined;
    expect(fake.spies.served.has('whoami')).toBe(false);
  });

  it('keeps showing a shared value while leaving, and a component mounted then renders instead of crashing', async () => {
    const fake = fakeRoom();
    let finishLeave: () => void = () => {};
    const disposed = () => {
      throw new SharedWorkUsageError('disposed', 'shared-work was disposed');
    };
    // Like Room.leave(): the shared work is disposed at once, the leave completes later.
    fake.spies.leave.mockImplementation(() => {
      fake.spies.shared.mockImplementation(disposed);
      fake.spies.serve.mockImplementation(disposed);
      fake.spies.runWhileLeader.mockImplementation(disposed);
      return new Promise<void>((resolve) => (finishLeave = resolve));
    });
    let leave: (() => Promise<void>) | undefined;
    function Value() {
      const { entry } = useShared<number>('counter');
      useServe('whoami', () => 'me');
      useRunWhileLeader(() => {});
      return <b>{entry?.value ?? 'none'}</b>;
    }
    function Page({ late }: { late: boolean }) {
      const state = useRoom();
      leave = state.leave;
      return (
        <p>
          {state.status}:<Value />
          {late && <Value />}
        </p>
      );
    }
    const container = document.createElement('div');
    root = createRoot(container);
    const view = (late: boolean) => (
      <ConclaveRoom options={{ signalingUrl: 'http://127.0.0.1:1', room: 'r' }} join={async () => fake.room}>
        <Page late={late} />
      </ConclaveRoom>
    );
    act(() => root?.render(view(false)));
    await settle();
    act(() => fake.handle.publish(3));
    act(() => void leave?.());
    act(() => root?.render(view(true)));
    expect(container.textContent).toBe('leaving:3none');
    await act(async () => finishLeave());
    expect(container.textContent).toBe('left:nonenone');
  });

  it('useShared claims a value once per room, so an inline schema (a new object each render) does not throw', async () => {
    const fake = fakeRoom();
    const claims: unknown[] = [];
    fake.spies.shared.mockImplementation(((_name: string, options?: { schema?: unknown }) => {
      // Like the real store: a second, different schema for a claimed name is refused.
      if (claims.length > 0 && options?.schema !== claims[0]) throw new Error('another schema');
      claims.push(options?.schema);
      return fake.handle;
    }) as never);
    function Value({ n }: { n: number }) {
      // A new schema object on every render, as `{ schema: z.number() }` written inline makes.
      const { entry } = useShared<number>('counter', { schema: { inline: n } as never });
      return (
        <b>
          {n}:{entry?.value ?? 'none'}
        </b>
      );
    }
    const container = document.createElement('div');
    root = createRoot(container);
    const view = (n: number) => (
      <ConclaveRoom options={{ signalingUrl: 'http://127.0.0.1:1', room: 'r' }} join={async () => fake.room}>
        <Value n={n} />
      </ConclaveRoom>
    );
    act(() => root?.render(view(1)));
    await settle();
    act(() => fake.handle.publish(5));
    act(() => root?.render(view(2)));
    expect(container.textContent).toBe('2:5');
    expect(claims).toHaveLength(1);
  });
});
