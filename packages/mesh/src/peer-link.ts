// Its module declaration, for every program that compiles this file (apps and tests compile the source too).
/// <reference path="./simple-peer-light.d.ts" />
import type { PeerId } from '@conclave/election';
// simple-peer 9 without its Node streams: the same API and signals, no dependencies, and one ES module that
// bundlers and Node both take as is (simple-peer itself needs Node's globals and ~28 KB gzipped of
// readable-stream, buffer and events in a browser bundle).
import BundledSimplePeer from 'simple-peer-light';
import type { Link, LinkCallbacks, LinkFactory, LinkState } from './link';
import { type SimplePeerSignal, simplePeerSignalSchema } from './link-signal';

/** WebRTC classes for environments without them (Node: `@roamhq/wrtc`); simple-peer's `wrtc` option. */
export interface WrtcImplementation {
  RTCPeerConnection: typeof RTCPeerConnection;
  RTCSessionDescription: typeof RTCSessionDescription;
  RTCIceCandidate: typeof RTCIceCandidate;
}

/** What the link passes to the peer constructor: a subset of simple-peer 9's options. */
export interface SimplePeerOptions {
  initiator: boolean;
  trickle: boolean;
  /** Strings arrive as strings (simple-peer 9 would otherwise turn them into Buffers). */
  objectMode: boolean;
  config: RTCConfiguration;
  wrtc?: WrtcImplementation;
}

/**
 * What the link uses of a peer: simple-peer 9's instance API (events `signal`, `connect`, `data`, `close`,
 * `error`). Both `simple-peer` 9 and `simple-peer-light` instances fit it.
 */
export interface SimplePeerInstance {
  on(event: string, listener: (...args: never[]) => void): unknown;
  /**
   * Feeds a signal the remote's peer emitted, as an object or its JSON (the link passes only validated
   * {@link SimplePeerSignal}s; the parameter is that loose so simple-peer 9's own typing fits).
   */
  signal(data: string | { readonly type: string }): void;
  send(text: string): void;
  /** Bytes queued on the data channel. */
  readonly bufferSize: number;
  destroy(): void;
}

/**
 * The peer constructor {@link SimplePeerLinkOptions} accepts: `simple-peer-light` (the default), `simple-peer`
 * 9, or anything with their API. `WEBRTC_SUPPORT: false` says this environment has no WebRTC.
 */
export interface SimplePeerConstructor {
  new (options: SimplePeerOptions): SimplePeerInstance;
  readonly WEBRTC_SUPPORT?: boolean;
}

const DefaultSimplePeer = BundledSimplePeer as unknown as SimplePeerConstructor;

/** Options of the simple-peer link factory. */
export interface SimplePeerLinkOptions {
  /** STUN/TURN servers; `[]` means host candidates only (one machine or one LAN). */
  iceServers: RTCIceServer[];
  /** `'relay'`: only candidates through the TURN servers in `iceServers` (default `'all'`). */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  /** Advanced: another simple-peer build (default: the `simple-peer-light` package). */
  SimplePeer?: SimplePeerConstructor | undefined;
  /** Advanced: WebRTC classes where the platform has none (Node tests). */
  wrtc?: WrtcImplementation | undefined;
}

/** True when links can be created with these options (a browser with WebRTC, or `wrtc` given). */
export function webRtcAvailable(options: Pick<SimplePeerLinkOptions, 'wrtc' | 'SimplePeer'>): boolean {
  if (options.wrtc) return true;
  return (options.SimplePeer ?? DefaultSimplePeer).WEBRTC_SUPPORT !== false;
}

/** A {@link LinkFactory} making one simple-peer (one RTCPeerConnection with one data channel) per remote. */
export function simplePeerLinkFactory(options: SimplePeerLinkOptions): LinkFactory {
  return (peer, initiator, callbacks) => new SimplePeerLink(peer, initiator, callbacks, options);
}

/**
 * Most messages kept from a channel that delivers before simple-peer reports `connect` (its `connect` waits
 * for a getStats round, retried every 100 ms, while the remote side may already be sending: typically the
 * leader's answer to a newcomer). More than this before `connect` is dropped.
 */
export const earlyDataLimit = 32;

/** A {@link Link} over simple-peer 9: trickle ICE, one ordered reliable data channel, strings kept as strings. */
class SimplePeerLink implements Link {
  #state: LinkState = 'connecting';
  readonly #peer: SimplePeerInstance;
  /** Data that arrived before `connect`, delivered in order right after `open`. */
  #early: Array<string | Uint8Array> = [];

  constructor(
    readonly peer: PeerId,
    readonly initiator: boolean,
    private readonly callbacks: LinkCallbacks,
    options: SimplePeerLinkOptions,
  ) {
    const Ctor = options.SimplePeer ?? DefaultSimplePeer;
    this.#peer = new Ctor({
      initiator,
      trickle: true,
      objectMode: true, // strings arrive as strings, not Buffers
      config: { iceServers: options.iceServers, iceTransportPolicy: options.iceTransportPolicy ?? 'all' },
      ...(options.wrtc ? { wrtc: options.wrtc } : {}),
    });
    this.#peer.on('signal', (data: unknown) => {
      if (this.#state === 'closed') return;
      // Only offers, answers and candidates are relayed (no renegotiation: the mesh never adds streams).
      const parsed = simplePeerSignalSchema.safeParse(data);
      if (parsed.success) this.callbacks.signal(parsed.data as SimplePeerSignal);
    });
    this.#peer.on('connect', () => {
      if (this.#state !== 'connecting') return;
      this.#state = 'open';
      this.callbacks.open();
      const early = this.#early;
      this.#early = [];
      for (const chunk of early) {
        if (this.#state !== 'open') return;
        this.callbacks.data(chunk);
      }
    });
    this.#peer.on('data', (chunk: unknown) => {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return;
      if (this.#state === 'open') this.callbacks.data(chunk);
      else if (this.#state === 'connecting' && this.#early.length < earlyDataLimit) this.#early.push(chunk);
    });
    this.#peer.on('close', () => this.#closed('closed'));
    this.#peer.on('error', (error: Error & { code?: string }) => this.#closed(error.code ?? 'error'));
  }

  get state(): LinkState {
    return this.#state;
  }

  signal(data: SimplePeerSignal): void {
    if (this.#state === 'closed') return;
    try {
      this.#peer.signal(data);
    } catch {
      this.#closed('bad-signal');
    }
  }

  send(text: string): boolean {
    if (this.#state !== 'open') return false;
    try {
      this.#peer.send(text);
      return true;
    } catch {
      return false;
    }
  }

  bufferedAmount(): number {
    return this.#state === 'open' ? this.#peer.bufferSize : 0;
  }

  destroy(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#early = [];
    this.#peer.destroy();
  }

  #closed(reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#early = [];
    this.#peer.destroy();
    this.callbacks.close(reason);
  }
}
