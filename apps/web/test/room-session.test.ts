import type { Room } from '@conclave/mesh';
import { describe, expect, it, vi } from 'vitest';
import { createRoomSession } from '../src/room-session';

/** A stand-in room: only `leave` matters to the session. */
function fakeRoom(): Room & { left: number } {
  const room = {
    left: 0,
    async leave() {
      room.left++;
    },
  };
  return room as unknown as Room & { left: number };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  return {
    pending,
    setTimer: (callback: () => void, ms: number) => {
      pending.set(++next, { callback, ms });
      return next;
    },
    clearTimer: (handle: unknown) => pending.delete(handle as number),
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const timer of due) timer.callback();
    },
  };
}

describe('createRoomSession', () => {
  it('joins at once and reports the room when the join resolves', async () => {
    const room = fakeRoom();
    const join = deferred<Room>();
    const session = createRoomSession({ joinOnce: () => join.promise });
    expect(session.state()).toEqual({ status: 'joining', retries: 0, lastError: undefined });
    const changed = vi.fn();
    session.subscribe(changed);
    join.resolve(room);
    await join.promise;
    expect(session.state()).toEqual({ status: 'joined', room });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('does not join twice while joining or joined', async () => {
    const room = fakeRoom();
    const joinOnce = vi.fn(async () => room);
    const session = createRoomSession({ joinOnce });
    session.join();
    await vi.waitFor(() => expect(session.state().status).toBe('joined'));
    session.join();
    expect(joinOnce).toHaveBeenCalledTimes(1);
  });

  it('reports a final failure with its message, and joins again on request', async () => {
    const room = fakeRoom();
    const joinOnce = vi
      .fn<() => Promise<Room>>()
      .mockRejectedValueOnce(new Error('forbidden: wrong secret'))
      .mockResolvedValueOnce(room);
    const session = createRoomSession({ joinOnce });
    await vi.waitFor(() =>
      expect(session.state()).toEqual({ status: 'failed', error: 'forbidden: wrong secret' }),
    );
    session.join();
    await vi.waitFor(() => expect(session.state()).toEqual({ status: 'joined', room }));
  });

  it('retries a passing failure with growing delays while showing it is still joining', async () => {
    const room = fakeRoom();
    const timers = manualTimers();
    const joinOnce = vi
      .fn<() => Promise<Room>>()
      .mockRejectedValueOnce(new Error('timeout'))
      .mockRejectedValueOnce(new Error('timeout'))
      .mockResolvedValueOnce(room);
    const session = createRoomSession({ joinOnce, isRetryable: () => true, ...timers });

    await vi.waitFor(() =>
      expect(session.state()).toEqual({ status: 'joining', retries: 1, lastError: 'timeout' }),
    );
    expect([...timers.pending.values()].map((timer) => timer.ms)).toEqual([1_000]);
    timers.fireAll();
    await vi.waitFor(() =>
      expect(session.state()).toEqual({ status: 'joining', retries: 2, lastError: 'timeout' }),
    );
    expect([...timers.pending.values()].map((timer) => timer.ms)).toEqual([2_000]);
    timers.fireAll();
    await vi.waitFor(() => expect(session.state()).toEqual({ status: 'joined', room }));
    expect(joinOnce).toHaveBeenCalledTimes(3);
  });

  it('leave while retrying stops the retries', async () => {
    const timers = manualTimers();
    const joinOnce = vi.fn<() => Promise<Room>>().mockRejectedValue(new Error('timeout'));
    const session = createRoomSession({ joinOnce, isRetryable: () => true, ...timers });
    await vi.waitFor(() => expect(session.state()).toMatchObject({ status: 'joining', retries: 1 }));
    await session.leave();
    expect(session.state()).toEqual({ status: 'left' });
    expect(timers.pending.size).toBe(0);
    expect(joinOnce).toHaveBeenCalledTimes(1);
  });

  it('a room that arrives after the tab gave up joining is left at once', async () => {
    const room = fakeRoom();
    const join = deferred<Room>();
    const session = createRoomSession({ joinOnce: () => join.promise });
    await session.leave();
    join.resolve(room);
    await vi.waitFor(() => expect(room.left).toBe(1));
    expect(session.state()).toEqual({ status: 'left' });
  });

  it('leaves through leaving to left, and rejoins with a new room', async () => {
    const first = fakeRoom();
    const second = fakeRoom();
    const joinOnce = vi.fn<() => Promise<Room>>().mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    const session = createRoomSession({ joinOnce });
    await vi.waitFor(() => expect(session.state().status).toBe('joined'));
    const seen: string[] = [];
    session.subscribe(() => seen.push(session.state().status));
    await session.leave();
    expect(seen).toEqual(['leaving', 'left']);
    expect(first.left).toBe(1);
    session.join();
    await vi.waitFor(() => expect(session.state()).toEqual({ status: 'joined', room: second }));
  });
});
