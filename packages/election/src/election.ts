import { CallbackQueue } from './callback-queue';
import { systemClock } from './clock';
import { resolveConfig } from './config';
import type { ElectionEffect, ElectionInput, Surroundings, TimerName, ViewReader } from './core/io';
import { ElectionCore } from './core/step';
import { messageLimits } from './messages';
import { Timers } from './timers';
import type {
  Clock,
  CreateElectionOptions,
  Election,
  ElectionAdapter,
  ElectionEvent,
  ElectionState,
  ElectionStats,
  PeerId,
} from './types';
import { ViewMembership } from './view-membership';

type ElectionListener = (event: ElectionEvent, state: ElectionState) => void;

/**
 * Creates and starts (at once, like Fabric's constructor) one peer's election.
 * @throws {ElectionConfigError} for a bad config; {@link TypeError} for a bad id.
 */
export function createElection(options: CreateElectionOptions): Election {
  return new ElectionDriver(options);
}

/**
 * Drives the pure {@link ElectionCore} (see `core/step.ts`): feeds it messages, view changes, fired timers
 * and the application's calls, and applies the effects it returns: sends through the adapter, timers on the
 * injected clock, then the callbacks. See the README section "The election" for the algorithm.
 */
class ElectionDriver implements Election {
  readonly id: PeerId;
  private readonly core: ElectionCore;
  private readonly adapter: ElectionAdapter;
  private readonly clock: Clock;
  private readonly timers: Timers<TimerName>;
  private readonly view: ViewReader;
  private readonly listeners = new Set<ElectionListener>();
  /**
   * Callbacks run in order, after the step that caused them has been applied in full, so that a callback may
   * call back into the election (e.g. yield from onLeadershipChange).
   */
  private readonly callbacks: CallbackQueue;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(private readonly options: CreateElectionOptions) {
    if (typeof options.id !== 'string' || options.id.length === 0) {
      throw new TypeError('election id must be a non-empty string');
    }
    if (options.id.length > messageLimits.peerIdMaxLength) {
      throw new TypeError(`election id must be at most ${messageLimits.peerIdMaxLength} characters`);
    }
    this.id = options.id;
    const adapter = options.adapter;
    this.adapter = adapter;
    this.clock = options.clock ?? systemClock;
    this.timers = new Timers(this.clock);
    this.callbacks = new CallbackQueue(this.clock);
    this.core = new ElectionCore(this.id, resolveConfig(options.config), adapter.send !== undefined);
    const membership = new ViewMembership(adapter);
    this.view = {
      peers: () => adapter.peers(),
      has: (peer) => membership.has(peer),
      settling: () => adapter.settling?.() === true,
      roomLinked: () => adapter.roomLinked?.(),
      watches: (peer) => adapter.watches?.(peer) === true,
    };
    this.unsubscribers.push(adapter.onMessage((message) => this.step({ type: 'message', message })));
    if (adapter.onViewChange)
      this.unsubscribers.push(adapter.onViewChange(() => this.step({ type: 'view-changed' })));
    this.step({ type: 'start' });
  }

  get term(): number {
    return this.core.term;
  }

  isLeader(): boolean {
    return this.core.leading;
  }

  leaderId(): PeerId | undefined {
    return this.core.leaderId;
  }

  state(): ElectionState {
    return this.core.state;
  }

  stats(): ElectionStats {
    return this.core.stats;
  }

  subscribe(listener: ElectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  yield(successor?: PeerId): void {
    this.step(successor === undefined ? { type: 'yield' } : { type: 'yield', successor });
  }

  stop(): void {
    if (this.core.stopped) return;
    this.step({ type: 'stop' });
    this.timers.clearAll();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    // Listeners hear every callback already queued (the 'stopped' event last), then are dropped.
    this.callbacks.run(() => this.listeners.clear());
  }

  private step(input: ElectionInput): void {
    const surroundings: Surroundings = { now: this.clock.now(), view: this.view };
    const effects = this.core.step(input, surroundings);
    if (effects.length === 0) return;
    const later: Array<() => void> = [];
    for (const effect of effects) this.apply(effect, later);
    if (later.length > 0) this.callbacks.runAll(later);
  }

  /** IO at once, in order; callbacks into `later`, run once the whole step is applied. */
  private apply(effect: ElectionEffect, later: Array<() => void>): void {
    switch (effect.type) {
      case 'gossip':
        this.adapter.gossip(effect.message);
        return;
      case 'send':
        this.adapter.send?.(effect.to, effect.message);
        return;
      case 'set-timer': {
        const input: ElectionInput = { type: 'timer', name: effect.name };
        this.timers.set(effect.name, effect.delayMs, () => this.step(input));
        return;
      }
      case 'cancel-timer':
        this.timers.clear(effect.name);
        return;
      case 'report-metrics':
        this.adapter.reportMetrics?.(effect.isLeader);
        return;
      case 'event':
        for (const listener of this.listeners) later.push(() => listener(effect.event, effect.state));
        return;
      case 'leadership': {
        const callback = this.options.onLeadershipChange;
        if (callback) later.push(() => callback(effect.isLeader, effect.info));
        return;
      }
    }
  }
}
