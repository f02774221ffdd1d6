import { describe, expect, it } from 'vitest';
import { installPageLifecycle, type LifecycleRoom } from '../src/page-lifecycle';

function fakeRoom() {
  const calls: string[] = [];
  const cleanups: (() => void)[] = [];
  const room: LifecycleRoom & { left(): void } = {
    leaveNow: () => calls.push('leaveNow'),
    suspend: () => calls.push('suspend'),
    resume: async () => {
      calls.push('resume');
    },
    yield: () => calls.push('yield'),
    visibilityChanged: (visible) => calls.push(visible ? 'visible' : 'hidden'),
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
    calls.length = 0; // the visibility reported at install
    window.dispatchEvent(new Event('pagehide'));
    expect(calls).toEqual(['leaveNow']);
  });

  it('suspends for the back-forward cache and resumes when restored from it; a plain pageshow does nothing', () => {
    const { room, calls } = fakeRoom();
    const window = new EventTarget();
    installPageLifecycle(room, { window, document: new EventTarget() });
    calls.length = 0;
    window.dispatchEvent(new Event('pageshow')); // a normal load
    window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: false }));
    expect(calls).toEqual(['suspend', 'resume', 'leaveNow']);
  });

  it('hands leadership over when the page is about to be frozen, and only then', () => {
    const { room, calls } = fakeRoom();
    const document = new EventTarget();
    installPageLifecycle(room, { window: new EventTarget(), document });
    calls.length = 0;
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
    calls.length = 0;
    window.dispatchEvent(new Event('pagehide'));
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    document.dispatchEvent(new Event('freeze'));
    document.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toEqual([]);
  });

  it('reports the visibility at install and on every visibilitychange', () => {
    const { room, calls } = fakeRoom();
    const document = new EventTarget();
    let state = 'hidden';
    installPageLifecycle(room, { window: new EventTarget(), document, visibilityState: () => state });
    state = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    state = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toEqual(['hidden', 'visible', 'hidden']);
  });

  it('does nothing outside a browser', () => {
    const { room } = fakeRoom();
    expect(() => installPageLifecycle(room, {})()).not.toThrow();
  });
});
