import type { Room } from '@conclave/mesh';

export interface SharedWorkSlotProps {
  readonly room: Room;
}

/**
 * SLOT for the shared-work demo (issue 7): work that only the leader does, results shared with every tab.
 * Replace the placeholder below with the demo; `room` is the joined room (a `RoomCore`).
 */
export function SharedWorkSlot({ room }: SharedWorkSlotProps) {
  return (
    <section className="card shared-work" aria-label="Shared work" data-testid="shared-work-slot">
      <h2>Shared work</h2>
      <p className="muted">
        The shared-work demo (issue 7) appears here: work done once, by the leader of{' '}
        <strong>{room.name}</strong>, seen by every tab.
      </p>
    </section>
  );
}
