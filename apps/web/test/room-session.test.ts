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

describe('createRoomSession', () => {
  it('joins at once and reports the room when the join resolves', async () => {
    const room = fakeRoom();
    const join = deferred<Room>();
    const session = createRoomSession(() => join.promise);
    expect(session.state()).toEqual({ status: 'joining' });
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
    const session = createRoomSession(joinOnce);
    session.join();
    await vi.waitFor(() => expect(session.state().status).toBe('joined'));
    session.join();
    expect(joinOnce).toHaveBeenCalledTimes(1);
  });

  it('reports a failed join with its message and can retry', async () => {
    const room = fakeRoom();
    const joinOnce = vi
      .fn<() => Promise<Room>>()
      .mockRejectedValueOnce(new Error('forbidden: wrong secret'))
      .mockResolvedValueOnce(room);
    const session = createRoomSession(joinOnce);
    await vi.waitFor(() =>
      expect(session.state()).toEqual({ status: 'failed', error: 'forbidden: wrong secret' }),
    );
    session.join();
    await vi.waitFor(() => expect(session.state()).toEqual({ status: 'joined', room }));
  });

  it('leaves through leaving to left, and rejoins with a new room', async () => {
    const first = fakeRoom();
    const second = fakeRoom();
    const joinOnce = vi.fn<() => Promise<Room>>().mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    const session = createRoomSession(joinOnce);
    await vi.waitFor(() => expect(session.state().status).toBe('joined'));
    const seen: string[] = [];
    session.subscribe(() => seen.push(session.state().status));
    await session.leave();
    expect(seen).toEqual(['leaving', 'left']);
    expect(first.left).toBe(1);
    session.join();
    await vi.waitFor(() => expect(session.state()).toEqual({ status: 'joined', room: second }));
  });

  it('ignores leave unless joined', async () => {
    const join = deferred<Room>();
    const session = createRoomSession(() => join.promise);
    await session.leave();
    expect(session.state()).toEqual({ status: 'joining' });
  });
});
