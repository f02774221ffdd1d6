import type { ElectionAdapter, PeerId } from './types';

/**
 * Is a peer in the adapter's view? The adapter's own `hasPeer` when it has one; otherwise a set cached per
 * view array, so adapters that keep the array while the view is unchanged make this O(1).
 */
export class ViewMembership {
  private viewArray: readonly PeerId[] | undefined;
  private viewSet = new Set<PeerId>();

  constructor(private readonly adapter: ElectionAdapter) {}

  has(peer: PeerId): boolean {
    if (this.adapter.hasPeer) return this.adapter.hasPeer(peer);
    const view = this.adapter.peers();
    if (view !== this.viewArray) {
      this.viewArray = view;
      this.viewSet = new Set(view);
    }
    return this.viewSet.has(peer);
  }
}
