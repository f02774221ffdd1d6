import type { PeerId } from '@conclave/election';
import type { VirtualClock } from '@conclave/election/simulation';
import { FaultTable } from '../src/fault-injector';
import { withFaults } from '../src/faulty-transport';
import type { Link, LinkCallbacks, LinkFactory, LinkState } from '../src/link';
import type { SimplePeerSignal } from '../src/link-signal';
import { Mesh } from '../src/mesh';
import type { PeerAgent } from '../src/peer-agent';
import { webRtcTransport } from '../src/transport';

/**
 * An in-memory stand-in for signaling + WebRTC, on a virtual clock: signals and data take `latencyMs`, and a
 * link opens once the offer/answer exchange completed (as with simple-peer, an answer for another offer
 * breaks the link). Tabs can crash (all their traffic stops, nothing is said), lose signaling only, or leave.
 */
export class FakeNetwork {
  readonly meshes = new Map<PeerId, Mesh>();
  readonly faults = new Map<PeerId, FaultTable>();
  /** Offers by token, so the answering link can be paired with the offering one. */
  readonly #offers = new Map<string, FakeLink>();
  readonly #crashed = new Set<PeerId>();
  readonly #offSignaling = new Set<PeerId>();
  #nextToken = 0;
  #nextId = 1;
  /** Signals relayed, for assertions. */
  signalsRelayed = 0;

  constructor(
    readonly clock: VirtualClock,
    readonly latencyMs = 2,
  ) {}

  /** A fresh, valid peer id; ids grow, so earlier tabs are lower (and initiate). */
  newId(): PeerId {
    return (this.#nextId++).toString(16).padStart(32, '0');
  }

  /** Adds a tab: creates its mesh and tells it and the others (as the server's join ack and peer-joined do). */
  join(
    id: PeerId = this.newId(),
    options: { faults?: boolean; maxPeers?: number; agent?: PeerAgent } = {},
  ): Mesh {
    const others = [...this.meshes.keys()].filter((peer) => !this.#crashed.has(peer));
    const faults = options.faults ? new FaultTable(64) : undefined;
    const webrtc = webRtcTransport(this.linkFactory(id));
    const mesh: Mesh = new Mesh({
      selfId: id,
      transports: [faults ? withFaults(webrtc, faults, this.clock) : webrtc],
      sendSignal: (to, data) => this.#relay(id, to, data),
      clock: this.clock,
      maxPeers: options.maxPeers,
      agent: options.agent,
    });
    this.meshes.set(id, mesh);
    if (faults) this.faults.set(id, faults);
    for (const peer of others) this.#toSignaling(peer, (m) => m.peerJoined(id));
    mesh.joined(others);
    return mesh;
  }

  /** The tab disappears without a word (renderer crash): its traffic stops; signaling notices later. */
  crash(id: PeerId, signalingNoticesAfterMs = 50): void {
    this.#crashed.add(id);
    this.clock.setTimeout(() => this.#peerLeft(id), signalingNoticesAfterMs);
  }

  /** The tab loses its signaling connection only: the server reports it gone; its links stay. */
  loseSignaling(id: PeerId): void {
    this.#offSignaling.add(id);
    this.#peerLeft(id);
  }

  /** The tab's signaling comes back (rejoin with the same id). */
  regainSignaling(id: PeerId): void {
    this.#offSignaling.delete(id);
    const others = [...this.meshes.keys()].filter((peer) => peer !== id && !this.#crashed.has(peer));
    for (const peer of others) this.#toSignaling(peer, (m) => m.peerJoined(id));
    this.meshes.get(id)?.joined(others);
  }

  /** Graceful leave: bye on the links, then close, then signaling reports it gone. */
  leave(id: PeerId): void {
    const mesh = this.meshes.get(id);
    if (!mesh) return;
    mesh.sayBye();
    this.clock.setTimeout(() => {
      mesh.close();
      this.#peerLeft(id);
    }, 1);
  }

  /** Sends raw data to `to` over the open link from `from`, as a hostile peer could. */
  sendRaw(from: PeerId, to: PeerId, raw: string | Uint8Array): void {
    const link = this.#links.get(`${from}>${to}`);
    if (link?.state !== 'open' || !link.remote) throw new Error(`no open link ${from} -> ${to}`);
    link.remote.deliver(raw);
  }

  /**
   * The link end `self` -> `peer` fails (like an ICE failure). With `silent`, the other end does not notice
   * (an asymmetric failure); otherwise it closes too, after the latency.
   */
  failLink(self: PeerId, peer: PeerId, silent = false): void {
    const link = this.#links.get(`${self}>${peer}`);
    if (!link) throw new Error(`no link ${self} -> ${peer}`);
    if (silent) link.remote = link.pendingRemote = undefined;
    link.fail('ice-failed');
  }

  /** Relays a signal as the server would (verbatim, from the sender's real id). */
  injectSignal(from: PeerId, to: PeerId, data: unknown): void {
    this.meshes.get(to)?.signal(from, data);
  }

  readonly #links = new Map<string, FakeLink>();

  /** The latest link end `self` -> `peer` (open or not), if one was made. */
  linkOf(self: PeerId, peer: PeerId): FakeLink | undefined {
    return this.#links.get(`${self}>${peer}`);
  }

  linkFactory(self: PeerId): LinkFactory {
    return (peer, initiator, callbacks) => {
      const link = new FakeLink(this, self, peer, initiator, callbacks);
      this.#links.set(`${self}>${peer}`, link);
      if (initiator) {
        const token = `offer-${this.#nextToken++}`;
        this.#offers.set(token, link);
        this.clock.setTimeout(() => link.emitSignal({ type: 'offer', sdp: token }), 0);
      }
      return link;
    };
  }

  /** The responder took an offer: pair it with the offering link and answer. */
  answerOffer(responder: FakeLink, token: string): void {
    const offerer = this.#offers.get(token);
    if (!offerer || offerer.peer !== responder.self) {
      responder.fail('bad-offer');
      return;
    }
    this.#offers.delete(token);
    responder.remote = offerer;
    offerer.pendingRemote = responder;
    responder.answerToken = token.replace('offer', 'answer');
    responder.emitSignal({ type: 'answer', sdp: responder.answerToken });
    responder.emitSignal({
      type: 'candidate',
      candidate: { candidate: `candidate:${token}`, sdpMLineIndex: 0, sdpMid: '0' },
    });
  }

  /** The offerer got an answer: connect both ends if it answers its own offer. */
  takeAnswer(offerer: FakeLink, token: string): void {
    const responder = offerer.pendingRemote;
    if (!responder || responder.answerToken !== token || responder.state === 'closed') {
      offerer.fail('bad-answer');
      return;
    }
    offerer.remote = responder;
    this.clock.setTimeout(() => {
      if (offerer.state === 'connecting' && responder.state === 'connecting') {
        offerer.markOpen();
        responder.markOpen();
      }
    }, this.latencyMs);
  }

  /** Data between linked tabs: delayed, and lost when either side crashed. */
  carry(from: FakeLink, raw: string | Uint8Array): void {
    const to = from.remote;
    if (!to || this.#crashed.has(from.self)) return;
    this.clock.setTimeout(() => {
      if (!this.#crashed.has(to.self)) to.deliver(raw);
    }, this.latencyMs);
  }

  /** A link end was destroyed: the other end closes after a delay (like a data channel's close). */
  closed(from: FakeLink): void {
    const to = from.remote ?? from.pendingRemote;
    if (!to || this.#crashed.has(from.self)) return; // a crashed tab's links just go silent
    this.clock.setTimeout(() => to.fail('closed'), this.latencyMs);
  }

  isCrashed(id: PeerId): boolean {
    return this.#crashed.has(id);
  }

  #relay(from: PeerId, to: PeerId, data: unknown): void {
    if (this.#crashed.has(from) || this.#offSignaling.has(from)) return;
    this.signalsRelayed++;
    this.#toSignaling(to, (mesh) => mesh.signal(from, JSON.parse(JSON.stringify(data))));
  }

  #peerLeft(id: PeerId): void {
    for (const peer of this.meshes.keys()) if (peer !== id) this.#toSignaling(peer, (m) => m.peerLeft(id));
  }

  #toSignaling(id: PeerId, fn: (mesh: Mesh) => void): void {
    this.clock.setTimeout(() => {
      const mesh = this.meshes.get(id);
      if (mesh && !this.#crashed.has(id) && !this.#offSignaling.has(id)) fn(mesh);
    }, this.latencyMs);
  }
}

/** One end of a fake link. */
export class FakeLink implements Link {
  #state: LinkState = 'connecting';
  remote: FakeLink | undefined;
  pendingRemote: FakeLink | undefined;
  answerToken: string | undefined;
  sent = 0;

  constructor(
    private readonly network: FakeNetwork,
    readonly self: PeerId,
    readonly peer: PeerId,
    readonly initiator: boolean,
    private readonly callbacks: LinkCallbacks,
  ) {}

  get state(): LinkState {
    return this.#state;
  }

  signal(data: SimplePeerSignal): void {
    if (this.#state === 'closed') return;
    if (data.type === 'offer' && !this.initiator) this.network.answerOffer(this, data.sdp);
    else if (data.type === 'answer' && this.initiator) this.network.takeAnswer(this, data.sdp);
    else if (data.type === 'candidate') return;
    else this.fail('bad-signal');
  }

  send(text: string): boolean {
    if (this.#state !== 'open') return false;
    this.sent++;
    this.network.carry(this, text);
    return true;
  }

  bufferedAmount(): number {
    return 0;
  }

  destroy(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.network.closed(this);
  }

  emitSignal(data: SimplePeerSignal): void {
    if (this.#state !== 'closed') this.callbacks.signal(data);
  }

  markOpen(): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'open';
    this.callbacks.open();
  }

  deliver(raw: string | Uint8Array): void {
    if (this.#state === 'open') this.callbacks.data(raw);
  }

  fail(reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.network.closed(this);
    this.callbacks.close(reason);
  }
}

/** Runs the clock until `condition` holds; fails with `what` if it does not within `ms`. */
export function settle(clock: VirtualClock, condition: () => boolean, ms: number, what: string): void {
  if (!clock.runUntilTrue(condition, ms)) throw new Error(`not within ${ms} virtual ms: ${what}`);
}

/** Whether every pair of the given meshes has an open link both ways. */
export function fullyMeshed(meshes: readonly Mesh[]): boolean {
  return meshes.every((mesh) => mesh.view().length === meshes.length - 1);
}
