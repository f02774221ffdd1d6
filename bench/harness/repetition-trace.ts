import type { BenchEvent } from '../pages/bench-events';

/** The per-tab timelines of one repetition, kept with --trace. */
export interface RepetitionTrace {
  readonly tabs: readonly {
    readonly index: number;
    readonly selfId: string | undefined;
    readonly alive: boolean;
    readonly events: readonly BenchEvent[];
    /** The implementation's own timeline (Conclave's room events), read at the end of the repetition. */
    readonly timeline: unknown;
    /** The implementation's own counters (Conclave's room.stats()), read at the end of the repetition. */
    readonly stats: unknown;
    /** Every data-channel message the tab sent (Conclave pages). */
    readonly sends: unknown;
    /** The page's navigation timing and start-up marks (see the page's `startup` hook). */
    readonly startup: unknown;
  }[];
  /** Harness actions with Node epoch-ms timestamps. */
  readonly actions: readonly { readonly at: number; readonly action: string }[];
  /**
   * Every live tab's counters, timeline and sent messages right after each scenario (index → data), so the
   * history of a tab closed or crashed later is kept too.
   */
  readonly checkpoints: readonly {
    readonly label: string;
    readonly tabs: Readonly<Record<number, { stats: unknown; timeline: unknown; sends: unknown }>>;
  }[];
}
