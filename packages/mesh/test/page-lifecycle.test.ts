import { describe, expect, it } from 'vitest';
import { installPageLifecycle, type LifecycleRoom } from '../src/page-lifecycle';

function fakeRoom() {
  const calls: string[] = [];
  const cleanups: (() => void)[] = [];
  const room: LifecycleRoom & { left(): void } = {
    leaveNow: () => calls.push('leaveNow'),
    yield: () => calls.push('yield'),
    onLeft: (cleanup) => cleanups.push(cleanup),
    left: () => {
      for (const cleanup of cleanups) cleanup();
    },
  };
  return { room, calls };
}

describe('installPageLifecycle', () => {
  it('leaves at once on pagehide (close, navigation, back-forward cache)', () => {
    const { room, calls } = fakeRoom();
    const window = new EventTarget();
    installPageLifecycle(room, { window, document: new EventTarget() });
    window.dispatchEvent(new Event('pagehide'));
    expect(calls).toEqual(['leaveNow']);
  });

  it('hands leadership over when the page is about to be frozen, and only then', () => {
    const { room, calls } = fakeRoom();
    const document = new EventTarget();
    installPageLifecycle(room, { window: new EventTarget(), document });
    document.dispatchEvent(new Event('visibilitychange'));
    document.dispatchEvent(new Event('resume'));
    expect(calls).toEqual([]);
    document.dispatchEvent(new Event('freeze'));
    expect(calls).toEqual(['yield']);
  });

  it('stops listening once the room is left', () => {
    const { room, calls } = fakeRoom();
    const window = new EventTarget();
    const document = new EventTarget();
    installPageLifecycle(room, { window, document });
    room.left();
    window.dispatchEvent(new Event('pagehide'));
    document.dispatchEvent(new Event('freeze'));
    expect(calls).toEqual([]);
  });

  it('does nothing outside a browser', () => {
    const { room } = fakeRoom();
    expect(() => installPageLifecycle(room, {})()).not.toThrow();
  });
});
