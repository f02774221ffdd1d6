import type { Room } from '@conclave/mesh';
import type { RoomSession } from '@conclave/react';
import type { SharedEntry } from '@conclave/shared-work';
import { sharedCounter } from './shared-counter';

/** One counter value as a tab accepted it. */
export interface CounterLogEntry {
  readonly value: number;
  readonly term: number;
  readonly version: number;
  /** When this tab accepted it: wall-clock ms on the clock of the room's timeline events. */
  readonly at: number;
}

declare global {
  interface Window {
    /** Every shared counter value this tab accepted, in order (e2e tests only: `?test=1`). */
    conclaveCounterLog?: CounterLogEntry[];
  }
}

/** The log keeps the newest entries only (at two a second, about 80 minutes). */
export const maxCounterLogEntries = 10_000;

/**
 * Appends every counter value the joined room accepts to `log` (across leaves and rejoins), starting with
 * the one it already holds: what e2e tests check for gaps, double counts and terms going backwards. The
 * same (term, version) twice in a row — a rejoin handing the tab the value it had — is recorded once.
 */
export function recordCounterLog(
  session: Pick<RoomSession, 'getState' | 'subscribe'>,
  log: CounterLogEntry[],
  now: () => number = () => performance.timeOrigin + performance.now(),
): void {
  let current: Room | undefined;
  let stop: (() => void) | undefined;
  const push = ({ value, term, version }: SharedEntry<number>): void => {
    const last = log.at(-1);
    if (last !== undefined && last.term === term && last.version === version) return;
    log.push({ value, term, version, at: now() });
    if (log.length > maxCounterLogEntries) log.splice(0, log.length - maxCounterLogEntries);
  };
  const update = (): void => {
    // The room while joined and while leaving (a leave's last values still count), none otherwise.
    const room = session.getState().room;
    if (room === current) return;
    stop?.();
    stop = undefined;
    current = room;
    if (room === undefined) return;
    const counter = sharedCounter(room);
    const held = counter.get();
    if (held !== undefined) push(held);
    stop = counter.subscribe(push);
  };
  session.subscribe(update);
  update();
}
