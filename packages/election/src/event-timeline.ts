import { CallbackQueue } from './callback-queue';
import type {
  Clock,
  CreateElectionOptions,
  ElectionEvent,
  ElectionEventType,
  ElectionState,
  LeadershipInfo,
} from './types';

export type ElectionListener = (event: ElectionEvent, state: ElectionState) => void;

/**
 * Who hears about one peer's election: the `subscribe()` listeners (the event timeline) and
 * `onLeadershipChange`. Both run through one {@link CallbackQueue}: in order, after each state change is
 * complete, so that a callback may call back into the election.
 */
export class EventTimeline {
  private readonly listeners = new Set<ElectionListener>();
  private readonly callbacks: CallbackQueue;

  constructor(
    private readonly clock: Clock,
    private readonly onLeadershipChange: CreateElectionOptions['onLeadershipChange'],
    private readonly state: () => ElectionState,
  ) {
    this.callbacks = new CallbackQueue(clock);
  }

  subscribe(listener: ElectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Builds the event, with the state after it, only when someone listens: heartbeats pass here. */
  emit(type: ElectionEventType, reason?: string): void {
    if (this.listeners.size === 0) return;
    const state = this.state();
    const { leaderId, term } = state;
    const event: ElectionEvent =
      reason === undefined
        ? { type, at: this.clock.now(), leaderId, term }
        : { type, at: this.clock.now(), leaderId, term, reason };
    for (const listener of [...this.listeners]) this.callbacks.run(() => listener(event, state));
  }

  notifyLeadership(isLeader: boolean): void {
    const callback = this.onLeadershipChange;
    if (!callback) return;
    const { leaderId, term } = this.state();
    const info: LeadershipInfo = { term, leaderId };
    this.callbacks.run(() => callback(isLeader, info));
  }

  /** Drops every listener once the callbacks already queued have run. */
  close(): void {
    this.callbacks.run(() => this.listeners.clear());
  }
}
