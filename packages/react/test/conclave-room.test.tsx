import { JoinRoomError, type JoinRoomOptions, type Room } from '@conclave/mesh';
import { act, StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConclaveReactError, ConclaveRoom, createRoomSession, useLeadership, useRoom } from '../src';

// React only runs effects synchronously inside act() in an environment that says it is a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A fake room: a leadership the test changes, listeners it tells, and a count of leaves. */
function fakeRoom(id: string) {
  let leadership = { isLeader: false, leaderId: undefined as string | undefined, term: 0 };
  const listeners = new Set<(leadership: unknown) => void>();
  // Methods use `this`, like the real Room's class methods: a hook that calls them unbound fails.
  const room = {
    id,
    listeners,
    leadership: () => leadership,
    onLeadershipChange(this: { listeners: Set<(leadership: unknown) => void> }, listener: () => void) {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    },
    leave: vi.fn(async () => {}),
  };
  return {
    room: room as unknown as Room,
    leave: room.leave,
    lead(term: number) {
      leadership = { isLeader: true, leaderId: id, term };
      for (const listener of listeners) listener(leadership);
    },
  };
}

const options: JoinRoomOptions = { signalingUrl: 'http://127.0.0.1:1', room: 'lobby' };
let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
});

function render(node: React.ReactNode) {
  const container = document.createElement('div');
  root = createRoot(container);
  act(() => root?.render(node));
  return container;
}

function Status() {
  const state = useRoom();
  const { role, term, isLeader } = useLeadership();
  return (
    <p>
      {state.status}/{state.error?.code ?? '-'}/{role}/{term}/{String(isLeader)}
    </p>
  );
}

/** The state, and buttons that leave and rejoin through `useRoom()`. */
function Membership() {
  const { status, retries, error, leave, rejoin } = useRoom();
  return (
    <>
      <p>
        {status}/{retries}/{error?.code ?? '-'}
      </p>
      <button type="button" id="leave" onClick={() => void leave()} />
      <button type="button" id="rejoin" onClick={rejoin} />
    </>
  );
}

const click = (container: HTMLElement, id: string) =>
  act(() => (container.querySelector(`#${id}`) as HTMLButtonElement).click());

/** Lets the join promise settle and the scheduled leave (a macrotask) run. */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

describe('ConclaveRoom', () => {
  it('joins once under StrictMode and leaves that one room on unmount', async () => {
    const fake = fakeRoom('a');
    const join = vi.fn(async () => fake.room);
    const container = render(
      <StrictMode>
        <ConclaveRoom options={options} join={join}>
          <Status />
        </ConclaveRoom>
      </StrictMode>,
    );
    await settle();
    expect(join).toHaveBeenCalledTimes(1);
    expect(fake.leave).not.toHaveBeenCalled();
    expect(container.textContent).toBe('joined/-/follower/0/false');
    act(() => fake.lead(3));
    expect(container.textContent).toBe('joined/-/leader/3/true');
    act(() => root?.unmount());
    root = undefined;
    await settle();
    expect(fake.leave).toHaveBeenCalledTimes(1);
  });

  it('leaves a room whose join completes after the unmount', async () => {
    const fake = fakeRoom('a');
    let finish: (room: Room) => void = () => {};
    const join = vi.fn(() => new Promise<Room>((resolve) => (finish = resolve)));
    render(
      <StrictMode>
        <ConclaveRoom options={options} join={join}>
          <Status />
        </ConclaveRoom>
      </StrictMode>,
    );
    act(() => root?.unmount());
    root = undefined;
    await settle();
    await act(async () => finish(fake.room));
    expect(join).toHaveBeenCalledTimes(1);
    expect(fake.leave).toHaveBeenCalledTimes(1);
  });

  it('shows a failed join with its JoinRoomError code instead of throwing', async () => {
    const join = vi.fn(async () => {
      throw new JoinRoomError('room-full', 'the room is full');
    });
    const container = render(
      <ConclaveRoom options={options} join={join}>
        <Status />
      </ConclaveRoom>,
    );
    await settle();
    expect(container.textContent).toBe('failed/room-full/follower/0/false');
  });

  it('throws a typed error for options without a room, and for hooks outside a ConclaveRoom', () => {
    const codeOf = (node: React.ReactNode) => {
      const container = document.createElement('div');
      const own = createRoot(container);
      try {
        act(() => own.render(node));
      } catch (error) {
        return error instanceof ConclaveReactError ? error.code : error;
      } finally {
        act(() => own.unmount());
      }
      return 'rendered';
    };
    expect(codeOf(<ConclaveRoom options={{ signalingUrl: 'http://x' } as JoinRoomOptions} />)).toBe(
      'invalid-options',
    );
    expect(codeOf(<Status />)).toBe('no-room');
    expect(codeOf(<ConclaveRoom options={options} retry={{ maxRetries: 1.5 }} />)).toBe('invalid-options');
    expect(codeOf(<ConclaveRoom session={{} as never} />)).toBe('invalid-options');
  });

  it('leaves and rejoins through useRoom under StrictMode: one join each time, the old room left once', async () => {
    const first = fakeRoom('a');
    const second = fakeRoom('b');
    const join = vi.fn().mockResolvedValueOnce(first.room).mockResolvedValueOnce(second.room);
    const container = render(
      <StrictMode>
        <ConclaveRoom options={options} join={join}>
          <Membership />
        </ConclaveRoom>
      </StrictMode>,
    );
    await settle();
    expect(container.querySelector('p')?.textContent).toBe('joined/0/-');
    click(container, 'leave');
    await settle();
    expect(container.querySelector('p')?.textContent).toBe('left/0/-');
    expect(first.leave).toHaveBeenCalledTimes(1);
    click(container, 'rejoin');
    await settle();
    expect(container.querySelector('p')?.textContent).toBe('joined/0/-');
    expect(join).toHaveBeenCalledTimes(2);
    act(() => root?.unmount());
    root = undefined;
    await settle();
    expect(second.leave).toHaveBeenCalledTimes(1);
    expect(first.leave).toHaveBeenCalledTimes(1);
  });

  it('shows a retried timeout as joining with its count and code, and stops retrying on unmount', async () => {
    vi.useFakeTimers();
    try {
      const join = vi.fn(async (): Promise<Room> => {
        throw new JoinRoomError('timeout', 'no answer');
      });
      const container = render(
        <StrictMode>
          <ConclaveRoom options={options} join={join} retry={{ delayMs: () => 1_000 }}>
            <Membership />
          </ConclaveRoom>
        </StrictMode>,
      );
      await act(() => vi.advanceTimersByTimeAsync(0));
      expect(container.querySelector('p')?.textContent).toBe('joining/1/timeout');
      await act(() => vi.advanceTimersByTimeAsync(1_000));
      expect(container.querySelector('p')?.textContent).toBe('joining/2/timeout');
      expect(join).toHaveBeenCalledTimes(2);
      act(() => root?.unmount());
      root = undefined;
      await act(() => vi.advanceTimersByTimeAsync(60_000));
      expect(join).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a session it was given and never leaves it (its owner does)', async () => {
    const fake = fakeRoom('a');
    const join = vi.fn(async () => fake.room);
    const session = createRoomSession(options, { join });
    const container = render(
      <StrictMode>
        <ConclaveRoom session={session}>
          <Status />
        </ConclaveRoom>
      </StrictMode>,
    );
    await settle();
    expect(container.textContent).toBe('joined/-/follower/0/false');
    act(() => root?.unmount());
    root = undefined;
    await settle();
    expect(fake.leave).not.toHaveBeenCalled();
    expect(session.getState().status).toBe('joined');
    expect(join).toHaveBeenCalledTimes(1);
    await session.leave();
    expect(fake.leave).toHaveBeenCalledTimes(1);
  });
});
