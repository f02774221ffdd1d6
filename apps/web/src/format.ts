import type { RoomEvent } from '@conclave/mesh';

/** The first characters of a peer id: enough to tell peers apart on screen. */
export function shortId(id: string | undefined): string {
  return id === undefined ? '—' : id.slice(0, 6);
}

const keys = new WeakMap<RoomEvent, number>();
let nextKey = 0;

/** A stable React key for an event: events have no id, but each keeps its identity across snapshots. */
export function eventKey(event: RoomEvent): number {
  let key = keys.get(event);
  if (key === undefined) {
    key = nextKey++;
    keys.set(event, key);
  }
  return key;
}

/** Wall-clock time of an event, with milliseconds. */
export function formatClock(at: number): string {
  const date = new Date(at);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** One line of the timeline, in words. */
export function describeEvent(event: RoomEvent): string {
  if (event.source === 'mesh') {
    const peer = shortId(event.peer);
    switch (event.type) {
      case 'joined':
        return 'joined the room';
      case 'left':
        return 'left the room';
      case 'link-open':
        return `link to ${peer} open`;
      case 'link-closed':
        return `link to ${peer} closed${event.reason === undefined ? '' : ` (${event.reason})`}`;
      case 'signaling-lost':
        return 'signaling lost (mesh still up)';
      case 'signaling-back':
        return 'signaling back';
      case 'suspended':
        return 'left for the back-forward cache';
      case 'resumed':
        return 'back from the back-forward cache, rejoining';
      default:
        return unknownEvent(event);
    }
  }
  const reason = event.reason === undefined ? '' : ` (${event.reason})`;
  switch (event.type) {
    case 'election-started':
      return 'proposed itself as leader';
    case 'leadership-gained':
      return `became leader, term ${event.term}`;
    case 'leadership-lost':
      return `stopped leading${reason}`;
    case 'leader-changed':
      return event.leaderId === undefined
        ? `leader unknown${reason}`
        : `leader is ${shortId(event.leaderId)}, term ${event.term}${reason}`;
    case 'term-changed':
      return `term is now ${event.term}`;
    case 'yielded':
      return 'yielded leadership';
    case 'stopped':
      return 'election stopped';
    default:
      return unknownEvent(event);
  }
}

/** Exhaustiveness guard: a new event type fails to compile here; at run time it is shown as-is. */
function unknownEvent(event: never): string {
  return String((event as { type?: unknown }).type);
}
