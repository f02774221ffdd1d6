import { browserDefaults } from '@conclave/election';

/** The browser's leaderAliveThreshold (T): followers suspect a leader silent for this long. */
export const aliveThresholdMs = browserDefaults.leaderAliveThreshold;

/** A yielding peer stands aside for 6 × T (or until another leader appears). */
export const yieldPeriodMs = 6 * aliveThresholdMs;
