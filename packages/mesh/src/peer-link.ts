import type { PeerId } from '@conclave/election';
import type SimplePeer from 'simple-peer';
// The package's browser build in browsers (simple-peer's own entry needs Node's globals), the package elsewhere.
import BundledSimplePeer from '#simple-peer';
import type { Link, LinkCallbacks, LinkFactory, LinkState } from './link';
import { type SimplePeerSignal, simplePeerSignalSchema } from './link-signal';

/** The simple-peer constructor (or a compatible one), as {@link SimplePeerLinkOptions} accepts it. */
export type SimplePeerConstructor = new (options: SimplePeer.Options) => SimplePeer.Instance;

/** WebRTC classes for environments without them (Node: `@roamhq/wrtc`); simple-peer's `wrtc` option. */
export type WrtcImplementation = NonNullable<SimplePeer.Options['wrtc']>;

/** Options of the simple-peer link factory. */
export interface SimplePeerLinkOptions {
  /** STUN/TURN servers; `[]` means host candidates only (one machine or one LAN). */
  iceServers: RTCIceServer[];
  /** Advanced: another simple-peer build (default: the `simple-peer` package). */
  SimplePeer?: SimplePeerConstructor | undefined;
  /** Advanced: WebRTC classes where the platform has none (Node tests). */
  wrtc?: WrtcImplementation | undefined;
}

/** True when links can be created with these options (a browser with WebRTC, or `wrtc` given). */
export function webRtcAvailable(options: Pick<SimplePeerLinkOptions, 'wrtc' | 'SimplePeer'>): boolean {
  if (options.wrtc) return true;
  const ctor = (options.SimplePeer ?? BundledSimplePeer) as unknown as { WEBRTC_SUPPORT?: boolean };
  return ctor.WEBRTC_SUPPORT !== false;
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
  readonly #peer: SimplePeer.Instance;
  /** Data that arrived before `connect`, delivered in order right after `open`. */
  #early: Array<string | Uint8Array> = [];

  constructor(
    readonly peer: PeerId,
    readonly initiator: boolean,
    private readonly callbacks: LinkCallbacks,
    options: SimplePeerLinkOptions,
  ) {
    const Ctor = options.SimplePeer ?? (BundledSimplePeer as unknown as SimplePeerConstructor);
    this.#peer = new Ctor({
      initiator,
      trickle: true,
      objectMode: true, // strings arrive as strings, not Buffers
      config: { iceServers: options.iceServers },
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
      this.#peer.signal(data as SimplePeer.SignalData);
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
