import type { RoomEvent } from '@conclave/mesh';
import { describeEvent, eventKey, formatClock } from '../format';

export interface TimelineProps {
  readonly events: readonly RoomEvent[];
}

/** Election and mesh events, newest first. */
export function Timeline({ events }: TimelineProps) {
  const newestFirst = [...events].reverse();
  return (
    <section className="card timeline" aria-label="Timeline">
      <h2>Timeline</h2>
      {newestFirst.length === 0 ? (
        <p className="muted">Nothing has happened yet.</p>
      ) : (
        <ol className="events" data-testid="timeline">
          {newestFirst.map((event) => (
            <li key={eventKey(event)} className={`event event-${event.source} event-${event.type}`}>
              <time>{formatClock(event.at)}</time>
              <span className="event-source">{event.source}</span>
              <span className="event-text">{describeEvent(event)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
