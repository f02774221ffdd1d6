import { lowestId } from './compare-ids';
import type { Clock, Election, PeerId } from './types';

/**
 * Leader preference `'visible'` (not in Fabric): a leader whose page has been hidden for a while hands the
 * role to a visible peer, by the normal abdication (`yield(successor)`), so that the work a room gives its
 * leader runs where a user looks and browsers do not throttle it. It never displaces a leader on a whim:
 * only a leader that has been both leading and hidden for `hiddenForMs` hands over, and only to a peer that
 * says it is visible (the lowest such id: ties by id, as everywhere). So two hand-overs it causes are always
 * at least `hiddenForMs` apart, however visibility flips. See README "A leader users would choose".
 */

/** How long a leader stays hidden before it hands over, by default. */
export const defaultHiddenLeaderMs = 5_000;

/** What a preference decision looks at. */
export interface VisibilityFacts {
  readonly now: number;
  /** Since when this peer has led without a break (undefined: not leading). */
  readonly leadingSince: number | undefined;
  /** Since when this peer's page has been hidden (undefined: visible). */
  readonly hiddenSince: number | undefined;
  /** Peers in this peer's view whose pages say they are visible. */
  readonly visiblePeers: readonly PeerId[];
  readonly hiddenForMs: number;
}

export type PreferenceDecision =
  | { readonly action: 'none' }
  /** Decide again at `at` (the leader will then have been hidden for long enough). */
  | { readonly action: 'wait'; readonly at: number }
  | { readonly action: 'hand-over'; readonly to: PeerId };

/** Pure: should this peer hand its leadership to a visible peer now? */
export function decidePreference(facts: VisibilityFacts): PreferenceDecision {
  const { leadingSince, hiddenSince } = facts;
  if (leadingSince === undefined || hiddenSince === undefined) return { action: 'none' };
  const at = Math.max(leadingSince, hiddenSince) + facts.hiddenForMs;
  if (facts.now < at) return { action: 'wait', at };
  const to = lowestId(facts.visiblePeers);
  return to === undefined ? { action: 'none' } : { action: 'hand-over', to };
}

/** Where a {@link VisibleLeaderPreference} learns about visibility. */
export interface VisibilitySource {
  /** Is this peer's page visible now? */
  selfVisible(): boolean;
  /** Peers in the view whose pages say they are visible now. */
  visiblePeers(): readonly PeerId[];
}

/**
 * Applies {@link decidePreference} to one peer's election: re-decides when its leadership changes, when the
 * caller reports a visibility change ({@link changed}), and when a wait is over.
 */
export class VisibleLeaderPreference {
  #leadingSince: number | undefined;
  #hiddenSince: number | undefined;
  #timer: unknown;
  #stopped = false;
  readonly #unsubscribe: () => void;
  /** Hand-overs this preference asked for. */
  handOvers = 0;

  constructor(
    private readonly election: Election,
    private readonly clock: Clock,
    private readonly source: VisibilitySource,
    private readonly hiddenForMs: number = defaultHiddenLeaderMs,
  ) {
    this.#unsubscribe = election.subscribe((event) => {
      if (event.type === 'leadership-gained' || event.type === 'leadership-lost') this.changed();
    });
    this.changed();
  }

  /** Something this preference looks at changed: this page's visibility, or a peer's. */
  changed(): void {
    if (this.#stopped) return;
    const now = this.clock.now();
    const leading = this.election.isLeader();
    if (!leading) this.#leadingSince = undefined;
    else this.#leadingSince ??= now;
    if (this.source.selfVisible()) this.#hiddenSince = undefined;
    else this.#hiddenSince ??= now;
    this.#clearTimer();
    if (this.#leadingSince === undefined || this.#hiddenSince === undefined) return; // the usual case
    const decision = decidePreference({
      now,
      leadingSince: this.#leadingSince,
      hiddenSince: this.#hiddenSince,
      visiblePeers: this.source.visiblePeers(),
      hiddenForMs: this.hiddenForMs,
    });
    if (decision.action === 'wait') {
      this.#timer = this.clock.setTimeout(() => {
        this.#timer = undefined;
        this.changed();
      }, decision.at - now);
    } else if (decision.action === 'hand-over') {
      this.handOvers++;
      this.election.yield(decision.to);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
    this.#unsubscribe();
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
