/** What the page lifecycle acts on: a joined room's graceful exits. */
export interface LifecycleRoom {
  /** Leaves at once, synchronously (the abdication and `bye`s are queued before the links go). */
  leaveNow(): void;
  /** Ends the session like {@link leaveNow}, but keeps the room to resume (the back-forward cache). */
  suspend(): void;
  /** Rejoins under the same id after {@link suspend}. */
  resume(): Promise<void>;
  /** Hands leadership over if this tab leads (no-op otherwise). */
  yield(): void;
  /** This page turned visible or hidden. */
  visibilityChanged(visible: boolean): void;
  /** Registers work to undo when the room is left. */
  onLeft(cleanup: () => void): void;
}

/** The part of a `pagehide`/`pageshow` event used: whether the page goes into (or comes from) the cache. */
export interface PageTransition {
  readonly persisted?: boolean;
}

/** Where lifecycle listeners go (an EventTarget, or its two methods bound at install time). */
export interface ListenerTarget {
  addEventListener(type: string, listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (event: unknown) => void): void;
}

/** The event targets used: `window` (pagehide, pageshow) and `document` (freeze, visibilitychange). Absent outside a browser. */
export interface LifecycleTargets {
  readonly window?: ListenerTarget | undefined;
  readonly document?: ListenerTarget | undefined;
  /** `document.visibilityState` now (absent outside a browser: the page counts as visible). */
  readonly visibilityState?: (() => string | undefined) | undefined;
}

/**
 * Ties a room to the page's lifecycle (https://developer.chrome.com/docs/web-platform/page-lifecycle-api):
 *
 * - `pagehide` (the tab closes, navigates away, or goes into the back-forward cache): leave at once, so a
 *   leader hands over in milliseconds instead of its peers waiting out its heartbeats, and a cached page
 *   holds no links, lock or socket that would keep it out of the cache or answer for it while it sleeps;
 *   going into the cache (`persisted`), the room is suspended instead of left: it keeps its resume token;
 * - `pageshow` with `persisted` (restored from the back-forward cache, without a reload): the room resumes
 *   under the same id, with fresh links and election; shared values resync from the leader;
 * - `freeze` (the browser is about to stop the page's tasks: a long-hidden tab, or a tab discarded to save
 *   memory): a leader hands over first, so the room never follows a tab that cannot act; its leader tasks
 *   abort with the leadership. A frozen follower needs nothing: on `resume` its late timers run under the
 *   election's stall grace, and any leadership it hears then has been fenced by term;
 * - `visibilitychange`: peers are told (for the `'visible'` leader preference; see `room-visibility.ts`).
 *
 * Returns the uninstaller (also run when the room is left).
 */
export function installPageLifecycle(room: LifecycleRoom, targets: LifecycleTargets): () => void {
  const persisted = (event: unknown) => (event as PageTransition | undefined)?.persisted === true;
  const onPageHide = (event: unknown) => (persisted(event) ? room.suspend() : room.leaveNow());
  const onPageShow = (event: unknown) => {
    if (persisted(event)) void room.resume();
  };
  const onFreeze = () => room.yield();
  const onVisibility = () => room.visibilityChanged(targets.visibilityState?.() !== 'hidden');
  targets.window?.addEventListener('pagehide', onPageHide);
  targets.window?.addEventListener('pageshow', onPageShow);
  targets.document?.addEventListener('freeze', onFreeze);
  targets.document?.addEventListener('visibilitychange', onVisibility);
  onVisibility();
  let installed = true;
  const uninstall = () => {
    if (!installed) return;
    installed = false;
    targets.window?.removeEventListener('pagehide', onPageHide);
    targets.window?.removeEventListener('pageshow', onPageShow);
    targets.document?.removeEventListener('freeze', onFreeze);
    targets.document?.removeEventListener('visibilitychange', onVisibility);
  };
  room.onLeft(uninstall);
  return uninstall;
}
