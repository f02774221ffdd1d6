import { type Clock, type Election, VisibleLeaderPreference } from '@conclave/election';
import type { Mesh } from './mesh';

/** What the room's visibility needs of its options. */
export interface VisibilityOptions {
  readonly leaderPreference?: 'visible' | undefined;
  readonly hiddenLeaderMs?: number | undefined;
}

/**
 * One room's side of page visibility: this page's state, told to every peer (the mesh's `visible` envelope),
 * and, with `leaderPreference: 'visible'`, the election's {@link VisibleLeaderPreference}, which it re-runs
 * whenever this page's or a peer's visibility changes. Peers count as visible only while in the view.
 */
export class RoomVisibility {
  #visible = true;
  readonly #preference: VisibleLeaderPreference | undefined;
  readonly #unsubscribe: () => void;

  constructor(
    election: Election,
    clock: Clock,
    private readonly mesh: Mesh,
    options: VisibilityOptions,
  ) {
    this.#preference =
      options.leaderPreference === 'visible'
        ? new VisibleLeaderPreference(
            election,
            clock,
            { selfVisible: () => this.#visible, visiblePeers: () => this.#visiblePeers() },
            options.hiddenLeaderMs,
          )
        : undefined;
    // Peers' reports matter only to the preference: without it, mesh changes are not watched at all.
    const preference = this.#preference;
    this.#unsubscribe = preference ? mesh.onChange.add(() => preference.changed()) : () => {};
  }

  /** This page turned visible or hidden. */
  set(visible: boolean): void {
    if (visible === this.#visible) return;
    this.#visible = visible;
    this.mesh.setVisible(visible);
    this.#preference?.changed();
  }

  stop(): void {
    this.#unsubscribe();
    this.#preference?.stop();
  }

  #visiblePeers(): string[] {
    const view = new Set(this.mesh.view());
    return this.mesh
      .peers()
      .filter((peer) => peer.visible === true && view.has(peer.id))
      .map((peer) => peer.id);
  }
}
