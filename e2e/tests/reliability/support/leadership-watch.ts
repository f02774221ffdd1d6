import type { Page } from '@playwright/test';
import type { ConclaveWindow } from './room-probe';

/** One change a tab went through, as its own room reported it. */
export interface WatchedChange {
  readonly at: number;
  readonly role: string;
  /** Empty while the tab knows no leader. */
  readonly leaderId: string;
  readonly term: number;
  readonly signaling: string;
  /** Whether every other watched tab had an open link to this one. */
  readonly linkedToTabs: boolean;
  /** The latest election event at that moment (`type:reason`), to tell why a leader was lost. */
  readonly cause: string;
}

/** Everything a watcher saw on one tab. */
export interface WatchLog {
  /** Each change of leadership, signaling or links to the other tabs (not every snapshot). */
  readonly changes: readonly WatchedChange[];
  /** The most peers (tabs and strangers, linked or not) the tab listed at once. */
  readonly mostPeersListed: number;
  /** Snapshots seen: every change of the room (a stranger's arrival or departure is one). */
  readonly snapshots: number;
  /** The page's main-thread long tasks (over 50 ms) while watched: what kept it from its messages. */
  readonly longTasks: { count: number; totalMs: number; maxMs: number };
}

type WatchWindow = ConclaveWindow & { __leadershipWatch?: WatchLog & { changes: WatchedChange[] } };

/**
 * Starts watching a joined tab from inside the page: it subscribes to the room (called after every
 * change) and logs each change of role, leader, term, signaling status, or links to `tabIds` — so no
 * change is missed between polls, however brief.
 */
export async function startWatch(page: Page, tabIds: readonly string[]): Promise<void> {
  await page.evaluate((others) => {
    const win = window as WatchWindow;
    const room = win.conclave;
    if (room === undefined) throw new Error('the tab has not joined');
    const log = {
      changes: [] as WatchedChange[],
      mostPeersListed: 0,
      snapshots: 0,
      longTasks: { count: 0, totalMs: 0, maxMs: 0 },
    };
    win.__leadershipWatch = log;
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) {
        log.longTasks.count++;
        log.longTasks.totalMs += task.duration;
        log.longTasks.maxMs = Math.max(log.longTasks.maxMs, task.duration);
      }
    }).observe({ type: 'longtask' });
    let last = '';
    const observe = () => {
      const snapshot = room.snapshot();
      log.snapshots++;
      log.mostPeersListed = Math.max(log.mostPeersListed, snapshot.peers.length);
      const open = new Set(snapshot.peers.flatMap((peer) => (peer.link === 'open' ? [peer.id] : [])));
      const latest = snapshot.events.findLast((event) => event.source === 'election');
      const change = {
        at: Date.now(),
        cause: latest === undefined ? '' : `${latest.type}:${latest.reason ?? ''}`,
        role: snapshot.role,
        leaderId: snapshot.leaderId ?? '',
        term: snapshot.term,
        signaling: snapshot.signaling,
        linkedToTabs: others.every((id) => id === snapshot.selfId || open.has(id)),
      };
      const key = JSON.stringify({ ...change, at: 0, cause: '' });
      if (key === last) return;
      last = key;
      log.changes.push(change);
    };
    room.subscribe(observe);
    observe();
  }, tabIds);
}

/** What the watcher on `page` has seen so far. */
export async function readWatch(page: Page): Promise<WatchLog> {
  return page.evaluate(() => {
    const log = (window as WatchWindow).__leadershipWatch;
    if (log === undefined) throw new Error('no watch on this tab');
    return log;
  });
}
