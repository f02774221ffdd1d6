import { JoinRoomError, type JoinRoomOptions, type Room } from '@conclave/mesh';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConclaveReactError, createRoomSession, type JoinRoom, type RoomState } from '../src';

const options: JoinRoomOptions = { signalingUrl: 'http://127.0.0.1:1', room: 'lobby' };

/** A stand-in room: only `leave` matters to a session. */
function fakeRoom(): Room & { leave: ReturnType<typeof vi.fn> } {
  return { leave: vi.fn(async () => {}) } as unknown as Room & { leave: ReturnType<typeof vi.fn> };
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

const timeout = () => new JoinRoomError('timeout', 'signaling did not answer');
/** The parts of a state a test compares (the room by identity). */
const view = ({ status, room, error, retries }: RoomState) => ({ status, room, code: error?.code, retries });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createRoomSession', () => {
  it('joins at once and reports the room', async () => {
    const room = fakeRoom();
    const join = vi.fn<JoinRoom>(async () => room);
    const session = createRoomSession(options, { join });
    expect(view(session.getState())).toEqual({
      status: 'joining',
      room: undefined,
      code: undefined,
      retries: 0,
    });
    const changed = vi.fn();
    session.subscribe(changed);
    await vi.advanceTimersByTimeAsync(0);
    expect(view(session.getState())).toEqual({ status: 'joined', room, code: undefined, retries: 0 });
    expect(changed).toHaveBeenCalledTimes(1);
    expect(join).toHaveBeenCalledWith(options);
  });

  it('retries a timeout with a doubling delay, showing the attempts and the last error, then joins', async () => {
    const room = fakeRoom();
    const join = vi
      .fn<JoinRoom>()
      .mockRejectedValueOnce(timeout())
      .mockRejectedValueOnce(timeout())
      .mockResolvedValueOnce(room);
    const session = createRoomSession(options, { join });
    await vi.advanceTimersByTimeAsync(0);
    expect(view(session.getState())).toEqual({
      status: 'joining',
      room: undefined,
      code: 'timeout',
      retries: 1,
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(join).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(join).toHaveBeenCalledTimes(2);
    expect(session.getState().retries).toBe(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(join).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(view(session.getState())).toEqual({ status: 'joined', room, code: undefined, retries: 0 });
  });

  it('fails at once on a refusal, with its code, and joins again on request', async () => {
    const room = fakeRoom();
    const join = vi
      .fn<JoinRoom>()
      .mockRejectedValueOnce(new JoinRoomError('forbidden', 'wrong secret'))
      .mockResolvedValueOnce(room);
    const session = createRoomSession(options, { join });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(view(session.getState())).toEqual({
      status: 'failed',
      room: undefined,
      code: 'forbidden',
      retries: 0,
    });
    expect(join).toHaveBeenCalledTimes(1);
    session.join();
    await vi.advanceTimersByTimeAsync(0);
    expect(session.getState().room).toBe(room);
  });

  it('gives up after maxRetries, never retries with retry: false, and wraps a non-JoinRoomError', async () => {
    const limited = createRoomSession(options, {
      join: async () => Promise.reject(timeout()),
      retry: { maxRetries: 2, delayMs: () => 10 },
    });
    const never = createRoomSession(options, { join: async () => Promise.reject(timeout()), retry: false });
    const odd = createRoomSession(options, {
      join: () => {
        throw new TypeError('boom');
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(view(never.getState())).toMatchObject({ status: 'failed', code: 'timeout' });
    expect(view(odd.getState())).toMatchObject({ status: 'failed', code: 'invalid-response' });
    expect(odd.getState().error?.message).toBe('boom');
    expect(limited.getState()).toMatchObject({ status: 'joining', retries: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(limited.getState()).toMatchObject({ status: 'joining', retries: 2 });
    await vi.advanceTimersByTimeAsync(10);
    expect(view(limited.getState())).toMatchObject({ status: 'failed', code: 'timeout' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(limited.getState().status).toBe('failed');
  });

  it('leaves through leaving to left, and joins again with a new room', async () => {
    const first = fakeRoom();
    const second = fakeRoom();
    const leaving = deferred<void>();
    first.leave.mockReturnValueOnce(leaving.promise);
    const join = vi.fn<JoinRoom>().mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    const session = createRoomSession(options, { join });
    await vi.advanceTimersByTimeAsync(0);
    const done = session.leave();
    expect(view(session.getState())).toEqual({ status: 'leaving', room: first, code: undefined, retries: 0 });
    session.join(); // not while leaving
    expect(join).toHaveBeenCalledTimes(1);
    leaving.resolve();
    await done;
    expect(session.getState().status).toBe('left');
    session.join();
    await vi.advanceTimersByTimeAsync(0);
    expect(session.getState().room).toBe(second);
    expect(first.leave).toHaveBeenCalledTimes(1);
    expect(second.leave).not.toHaveBeenCalled();
  });

  it('leaving while joining stops retrying and leaves a room that arrives later', async () => {
    const late = deferred<Room>();
    const room = fakeRoom();
    const join = vi.fn<JoinRoom>(() => late.promise);
    const session = createRoomSession(options, { join });
    await session.leave();
    expect(session.getState().status).toBe('left');
    late.resolve(room);
    await vi.advanceTimersByTimeAsync(0);
    expect(session.getState().status).toBe('left');
    expect(room.leave).toHaveBeenCalledTimes(1);

    const retrying = createRoomSession(options, {
      join: vi.fn<JoinRoom>(async () => Promise.reject(timeout())),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(retrying.getState().retries).toBe(1);
    await retrying.leave();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(retrying.getState().status).toBe('left');
  });

  it('does not join twice while joining or joined', async () => {
    const join = vi.fn<JoinRoom>(async () => fakeRoom());
    const session = createRoomSession(options, { join });
    session.join();
    await vi.advanceTimersByTimeAsync(0);
    session.join();
    expect(join).toHaveBeenCalledTimes(1);
  });

  it('throws a typed error for options without a room and for a bad retry, and joins nothing', () => {
    const join = vi.fn<JoinRoom>();
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof ConclaveReactError ? error.code : error;
      }
      return 'created';
    };
    expect(codeOf(() => createRoomSession({ signalingUrl: 'http://x' } as JoinRoomOptions, { join }))).toBe(
      'invalid-options',
    );
    expect(codeOf(() => createRoomSession(options, { join, retry: { maxRetries: -1 } }))).toBe(
      'invalid-options',
    );
    expect(codeOf(() => createRoomSession(options, { join, retry: 'often' as never }))).toBe(
      'invalid-options',
    );
    expect(join).not.toHaveBeenCalled();
  });
});
