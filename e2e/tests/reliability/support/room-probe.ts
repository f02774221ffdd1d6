import type { Room, RoomStats } from '@conclave/mesh';
import type { Page } from '@playwright/test';

/** The page's global with the room the dashboard exposes under `?test=1` (see apps/web/src/expose-for-tests.ts). */
export type ConclaveWindow = Window & { conclave?: Room | undefined };

/** One tab's election and mesh, read from its `window.conclave` (the Room API, not the dashboard). */
export interface RoomState {
  readonly selfId: string;
  readonly role: 'leader' | 'follower';
  /** Empty while unknown. */
  readonly leaderId: string;
  readonly term: number;
  /** The peers its election sees: open links that no `cut` removes, sorted. */
  readonly view: readonly string[];
  readonly signaling: string;
}

/** Reads a tab's room in one round trip; undefined until it has joined (or after it crashed or closed). */
export async function readRoom(page: Page): Promise<RoomState | undefined> {
  try {
    return await page.evaluate(() => {
      const room = (window as ConclaveWindow).conclave;
      if (room === undefined) return undefined;
      const snapshot = room.snapshot();
      return {
        selfId: snapshot.selfId,
        role: snapshot.role,
        leaderId: snapshot.leaderId ?? '',
        term: snapshot.term,
        view: [...room.peers()],
        signaling: snapshot.signaling,
      };
    });
  } catch {
    return undefined;
  }
}

/** Reads every tab's room (see {@link readRoom}). */
export function readRooms(pages: readonly Page[]): Promise<(RoomState | undefined)[]> {
  return Promise.all(pages.map(readRoom));
}

/** Each tab's own id, once all have joined. */
export async function selfIds(pages: readonly Page[]): Promise<string[]> {
  const states = await readRooms(pages);
  return states.map((state, index) => {
    if (state === undefined) throw new Error(`tab ${index} has not joined`);
    return state.selfId;
  });
}

/** A tab's counters ({@link Room.stats}). */
export async function readStats(page: Page): Promise<RoomStats> {
  return page.evaluate(() => {
    const room = (window as ConclaveWindow).conclave;
    if (room === undefined) throw new Error('the tab has not joined');
    return room.stats();
  });
}

/** Why this tab's latest leadership-gained event happened ('elected' or 'handover'), if any. */
export async function lastGainReason(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const events = (window as ConclaveWindow).conclave?.snapshot().events ?? [];
    return events.filter((event) => event.type === 'leadership-gained').at(-1)?.reason;
  });
}
