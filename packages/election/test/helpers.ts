import type { ElectionAdapter, ElectionMessage, PeerId } from '../src/index';
import { VirtualClock } from '../src/simulation/index';

/** A hand-driven adapter: the test decides the view and delivers messages itself. */
export function manualAdapter(
  initialPeers: readonly PeerId[] = [],
  options: { readonly knowsRoom?: boolean } = {},
) {
  const messageHandlers = new Set<(message: ElectionMessage) => void>();
  const viewHandlers = new Set<() => void>();
  let view: readonly PeerId[] = [...initialPeers];
  let settling = false;
  let roomLinked = false;
  const gossiped: ElectionMessage[] = [];
  const unicast: Array<{ to: PeerId; message: ElectionMessage }> = [];
  const metrics: boolean[] = [];
  const adapter: ElectionAdapter = {
    gossip: (message) => gossiped.push(message),
    send: (to, message) => unicast.push({ to, message }),
    onMessage: (handler) => {
      messageHandlers.add(handler);
      return () => messageHandlers.delete(handler);
    },
    onViewChange: (handler) => {
      viewHandlers.add(handler);
      return () => viewHandlers.delete(handler);
    },
    peers: () => view,
    settling: () => settling,
    reportMetrics: (isLeader) => metrics.push(isLeader),
  };
  // Only a transport that knows the room's members offers roomLinked (the mesh does).
  if (options.knowsRoom) adapter.roomLinked = () => roomLinked;
  return {
    adapter,
    gossiped,
    unicast,
    metrics,
    clock: new VirtualClock(),
    deliver(message: unknown): void {
      for (const handler of [...messageHandlers]) handler(message as ElectionMessage);
    },
    setPeers(peers: readonly PeerId[]): void {
      view = [...peers];
      for (const handler of [...viewHandlers]) handler();
    },
    /** What the transport says of links still opening (see ElectionAdapter.settling). */
    setSettling(value: boolean): void {
      settling = value;
    },
    /** Whether every member of the room is in the view (with `knowsRoom`; see ElectionAdapter.roomLinked). */
    setRoomLinked(value: boolean): void {
      roomLinked = value;
    },
    subscriptions: () => messageHandlers.size + viewHandlers.size,
  };
}

/** Ids p01..pNN: zero-padded so that string order is numeric order. */
export function ids(count: number, prefix = 'p'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
}

/** A deterministic shuffle (so start order is not id order). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
