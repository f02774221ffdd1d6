import { Listeners } from '@conclave/protocol';
import { type core, safeParse } from 'zod/mini';
import { SharedWorkUsageError } from './errors';
import { sharedWorkLimits as limits } from './limits';

/** One shared value as a tab holds it: the value and where it stands in the leader's history. */
export interface SharedEntry<T> {
  readonly value: T;
  /** The term of the leader that published it: the fencing token of its leadership. */
  readonly term: number;
  /** Grows by one with every publish, across terms: a new leader continues from the last version it saw. */
  readonly version: number;
}

/** The order of shared values: by term, then by version. */
export function isNewer(
  candidate: { readonly term: number; readonly version: number },
  held: { readonly term: number; readonly version: number } | undefined,
): boolean {
  if (held === undefined) return true;
  return candidate.term > held.term || (candidate.term === held.term && candidate.version > held.version);
}

/** What {@link SharedStore.offer} did with a value. */
export type OfferOutcome = 'accepted' | 'stale' | 'invalid' | 'full';

interface Slot {
  entry: SharedEntry<unknown> | undefined;
  schema: core.$ZodType | undefined;
  /** Whether the app asked for this name (then its schema, if any, is known). */
  claimed: boolean;
  readonly listeners: Listeners<[SharedEntry<unknown>]>;
}

/**
 * The shared values this tab holds, by name, newest (term, version) only. Values may arrive before the app
 * asks for their name; they are validated against the name's schema once it is known. Bounded by
 * {@link sharedWorkLimits.maxSharedNames}.
 */
export class SharedStore {
  private readonly slots = new Map<string, Slot>();

  /** @param report receives what a listener throws, with the value's name (the other listeners still run). */
  constructor(private readonly report: (error: unknown, name: string) => void) {}

  /** The number of names held. */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Claims `name` for the app with an optional schema. Throws {@link SharedWorkUsageError}: an invalid
   * name, too many names, or a second claim with a different schema.
   */
  claim(name: string, schema: core.$ZodType | undefined): void {
    if (typeof name !== 'string' || name.length < 1 || name.length > limits.maxNameLength) {
      throw new SharedWorkUsageError(
        'invalid-argument',
        `shared value names are 1-${limits.maxNameLength} characters`,
      );
    }
    let slot = this.slots.get(name);
    if (slot?.claimed) {
      if (schema !== undefined && slot.schema !== schema) {
        throw new SharedWorkUsageError(
          'invalid-argument',
          `shared value "${name}" already has another schema`,
        );
      }
      return;
    }
    if (slot === undefined) {
      if (this.slots.size >= limits.maxSharedNames) {
        throw new SharedWorkUsageError('limit-exceeded', `at most ${limits.maxSharedNames} shared values`);
      }
      slot = { entry: undefined, schema: undefined, claimed: false, listeners: this.listenersOf(name) };
      this.slots.set(name, slot);
    }
    slot.claimed = true;
    slot.schema = schema;
    if (slot.entry !== undefined && schema !== undefined) {
      const parsed = safeParse(schema, slot.entry.value);
      slot.entry = parsed.success ? { ...slot.entry, value: parsed.data } : undefined;
    }
  }

  get(name: string): SharedEntry<unknown> | undefined {
    return this.slots.get(name)?.entry;
  }

  /** Validates `value` against the name's schema: the parsed value, or undefined when it fails. */
  validate(name: string, value: unknown): { value: unknown } | undefined {
    const schema = this.slots.get(name)?.schema;
    if (schema === undefined) return { value };
    const parsed = safeParse(schema, value);
    return parsed.success ? { value: parsed.data } : undefined;
  }

  /** Keeps the value when it is newer than the one held (and passes the schema); tells listeners. */
  offer(name: string, entry: SharedEntry<unknown>): OfferOutcome {
    const slot = this.slots.get(name);
    if (slot === undefined && this.slots.size >= limits.maxSharedNames) return 'full';
    if (!isNewer(entry, slot?.entry)) return 'stale';
    const valid = this.validate(name, entry.value);
    if (valid === undefined) return 'invalid';
    const accepted: SharedEntry<unknown> = { value: valid.value, term: entry.term, version: entry.version };
    if (slot === undefined) {
      const listeners = this.listenersOf(name);
      this.slots.set(name, { entry: accepted, schema: undefined, claimed: false, listeners });
      return 'accepted';
    }
    slot.entry = accepted;
    slot.listeners.emit(accepted);
    return 'accepted';
  }

  /** Listens to accepted values of a claimed name; returns the unsubscribe function. */
  subscribe(name: string, listener: (entry: SharedEntry<unknown>) => void): () => void {
    const slot = this.slots.get(name);
    if (slot === undefined) return () => {};
    return slot.listeners.add(listener);
  }

  /** Every held value, by name. */
  entries(): Array<[string, SharedEntry<unknown>]> {
    const out: Array<[string, SharedEntry<unknown>]> = [];
    for (const [name, slot] of this.slots) if (slot.entry !== undefined) out.push([name, slot.entry]);
    return out;
  }

  /** Forgets every listener (the held values stay readable). */
  dispose(): void {
    for (const slot of this.slots.values()) slot.listeners.clear();
  }

  private listenersOf(name: string): Listeners<[SharedEntry<unknown>]> {
    return new Listeners((error) => this.report(error, name));
  }
}
