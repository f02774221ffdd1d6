import type { PeerId } from '@conclave/election';
import { Listeners } from '@conclave/protocol';
import * as z from 'zod/mini';
import type { LinkFactory } from './link';

/** The transports a room can link peers with, in the default order of preference. */
export const transportKinds = ['local', 'webrtc'] as const;
export type TransportKind = (typeof transportKinds)[number];

/**
 * What the mesh needs from a way of reaching peers. The mesh keeps the peer registry (who signaling lists
 * in the room), link lifecycle and retries, and one inbound pipeline (validation, size bounds, per-link rate
 * limit) for every transport; a transport only discovers which peers it reaches, opens links to them and
 * carries their bytes.
 *
 * - `webrtc` reaches every peer, through links negotiated over signaling (offer/answer relayed by the server).
 * - `local` reaches tabs of the same origin and browser profile over a `BroadcastChannel`; its links open
 *   without negotiation, and it may know at once that a peer's tab is gone.
 */
export interface Transport {
  readonly kind: TransportKind;
  /** Whether a link to `peer` through this transport can be opened now. */
  reaches(peer: PeerId): boolean;
  /** Opens a link to `peer`; `initiator` is the lower id of the pair (used by negotiated transports). */
  readonly createLink: LinkFactory;
  /**
   * `peer` became reachable (the mesh links it through this transport unless a link through another is
   * open already), or, with `asked`, `peer` opened its link through this transport (the mesh follows: both
   * sides of a pair must use one transport).
   */
  readonly onReachable: Listeners<[peer: PeerId, asked: boolean]>;
  /** `peer`'s tab is gone for certain (crashed, closed, killed). */
  readonly onGone: Listeners<[peer: PeerId]>;
  /**
   * Optional: whether `peer` is held, i.e. its link (if open) stays open but is left out of the view, as
   * if it had closed. Only the test fault wrapper (`faulty-transport.ts`) holds peers; absent means never.
   */
  holds?(peer: PeerId): boolean;
  /** Optional: what {@link Transport.holds} answers may have changed; the mesh re-evaluates its view. */
  readonly onHoldChange?: Listeners<[]>;
  /**
   * True when {@link Transport.onGone} tells at once that a peer ended (local with Web Locks): its links need
   * no periodic round-trip sampling for the peer-left probe, which only costs every tab a wake-up.
   */
  readonly noticesEnd?: boolean;
  /**
   * Optional: true when `peer` and this tab each learn at once, through this transport, that the other ended
   * (local: both hold their Web Lock and queue on the other's). The election then slows its heartbeats
   * between them (`ElectionAdapter.watches`).
   */
  watches?(peer: PeerId): boolean;
  /** Stops discovery and destroys what is left. */
  close(): void;
}

const transportsSchema = z.array(z.enum(transportKinds)).check(
  z.minLength(1),
  z.maxLength(transportKinds.length),
  z.refine((kinds) => new Set(kinds).size === kinds.length),
);

/** The `transports` option, validated (default `['local', 'webrtc']`); undefined when invalid. */
export function parseTransports(value: unknown): readonly TransportKind[] | undefined {
  if (value === undefined) return transportKinds;
  const parsed = transportsSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The WebRTC adapter: the given (simple-peer) link factory, which reaches every peer signaling lists. */
export function webRtcTransport(createLink: LinkFactory): Transport {
  return {
    kind: 'webrtc',
    reaches: () => true,
    createLink,
    onReachable: new Listeners(),
    onGone: new Listeners(),
    close: () => {},
  };
}
