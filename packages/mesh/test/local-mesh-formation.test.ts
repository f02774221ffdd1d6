import type { PeerId } from '@conclave/election';
import { createRandom, type Random, VirtualClock } from '@conclave/election/simulation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meshTimings } from '../src/limits';
import type { LinkFactory } from '../src/link';
import { type LocalChannel, LocalTransport } from '../src/local-transport';
import { Mesh } from '../src/mesh';
import { webRtcTransport } from '../src/transport';
import { FakeLocks } from './fake-local';

/**
 * Tabs of one browser profile joining, leaving and crashing at random times, with every delay a real browser
 * has drawn at random: the channel (in order per sender and receiver, as `BroadcastChannel` delivers), the
 * signaling server's answers and notices (in order per receiver), and the browser granting a tab its own lock.
 * However those interleave, every live tab links every other live tab over the channel within one handshake of
 * the last change: no link may wait for an open timeout and a retry (15 s), which is what a newcomer's start-up
 * (3 s) cannot wait for.
 */

const id = (n: number): PeerId => (n + 1).toString(16).padStart(32, '0');
/**
 * How long after the last join, leave or crash every live tab must be linked to every other: the longest
 * handshake these delays allow (a join answer, the lock, then announcement, answer, syn and ack on the
 * channel), plus some slack; far below a link's open timeout and retry. A tab that crashes before the browser
 * granted its own lock is dropped by signaling's `peer-left` and the probe instead (a link to it may even
 * open, from its last syn, with no round trip measured: the probe then waits `peerLeftProbeMs`).
 */
const settleMs = (s: Schedule) =>
  s.signalingDelayMs + s.lockDelayMs + 5 * s.channelDelayMs + meshTimings.peerLeftProbeMs + 200;

/** `BroadcastChannel` with a random delay per message, in order per (sender, receiver). */
class RandomBus {
  readonly #channels = new Set<RandomChannel>();
  readonly #lastAt = new Map<string, number>();
  constructor(
    readonly clock: VirtualClock,
    readonly random: Random,
    readonly maxDelayMs: number,
  ) {}
  open(name: string): RandomChannel {
    const channel = new RandomChannel(this, name);
    this.#channels.add(channel);
    return channel;
  }
  deliver(from: RandomChannel, message: unknown): void {
    if (!this.#channels.has(from)) return; // a closed channel (or a crashed tab's) reaches nobody
    const copy = structuredClone(message);
    for (const to of this.#channels) {
      if (to === from) continue;
      const key = `${from.name}>${to.name}`;
      const at = Math.max(this.#lastAt.get(key) ?? 0, this.clock.now() + this.random.int(0, this.maxDelayMs));
      this.#lastAt.set(key, at);
      this.clock.setTimeout(() => {
        if (this.#channels.has(to)) to.onmessage?.({ data: copy });
      }, at - this.clock.now());
    }
  }
  remove(channel: RandomChannel): void {
    this.#channels.delete(channel);
  }
}

class RandomChannel implements LocalChannel {
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  constructor(
    private readonly bus: RandomBus,
    readonly name: string,
  ) {}
  postMessage(message: unknown): void {
    this.bus.deliver(this, message);
  }
  close(): void {
    this.bus.remove(this);
  }
}

interface Tab {
  readonly id: PeerId;
  mesh?: Mesh;
  channel?: RandomChannel;
  /** Signaling's notices to this tab, in order: applied once the mesh exists. */
  readonly inbox: Array<(mesh: Mesh) => void>;
  lastNoticeAt: number;
  live: boolean;
}

type Step = { readonly kind: 'join' } | { readonly kind: 'leave' | 'crash'; readonly pick: number };

interface Schedule {
  readonly seed: number;
  readonly initial: number;
  readonly steps: readonly { readonly after: number; readonly step: Step }[];
  readonly channelDelayMs: number;
  readonly signalingDelayMs: number;
  readonly lockDelayMs: number;
}

const scheduleArb: fc.Arbitrary<Schedule> = fc.record({
  seed: fc.nat(),
  initial: fc.integer({ min: 1, max: 4 }),
  steps: fc.array(
    fc.record({
      after: fc.integer({ min: 0, max: 400 }),
      step: fc.oneof(
        { weight: 3, arbitrary: fc.constant({ kind: 'join' as const }) },
        fc.record({ kind: fc.constantFrom('leave' as const, 'crash' as const), pick: fc.nat() }),
      ),
    }),
    { maxLength: 12 },
  ),
  channelDelayMs: fc.integer({ min: 0, max: 200 }),
  signalingDelayMs: fc.integer({ min: 1, max: 500 }),
  lockDelayMs: fc.integer({ min: 0, max: 500 }),
});

async function linkProblems(schedule: Schedule): Promise<string[]> {
  const clock = new VirtualClock(0);
  const random = createRandom(schedule.seed);
  const bus = new RandomBus(clock, random, schedule.channelDelayMs);
  const locks = new FakeLocks();
  const rtc: LinkFactory = () => {
    throw new Error('tabs of one profile never need WebRTC');
  };
  const tabs: Tab[] = [];
  /** Signaling's member list, in join order. */
  const members: Tab[] = [];

  /** A notice from signaling to `tab`: after a random delay, in order with its earlier notices. */
  const notify = (tab: Tab, apply: (mesh: Mesh) => void) => {
    const at = Math.max(tab.lastNoticeAt, clock.now() + random.int(1, schedule.signalingDelayMs));
    tab.lastNoticeAt = at;
    clock.setTimeout(() => {
      if (!tab.live) return;
      tab.inbox.push(apply);
      if (tab.mesh) for (const next of tab.inbox.splice(0)) next(tab.mesh);
    }, at - clock.now());
  };

  const join = () => {
    const tab: Tab = { id: id(tabs.length), inbox: [], lastNoticeAt: 0, live: true };
    tabs.push(tab);
    const others = members.map((member) => member.id);
    for (const member of members) notify(member, (mesh) => mesh.peerJoined(tab.id));
    members.push(tab);
    // The join answer: the page then sets up its transport (the browser takes a while to grant its lock) and
    // its mesh, with the members as the answer listed them; later notices follow in order.
    const lockDelay = random.int(0, schedule.lockDelayMs);
    notify(tab, () => {});
    const answerAt = tab.lastNoticeAt;
    clock.setTimeout(() => {
      if (!tab.live) return;
      if (lockDelay > 0) {
        locks.delayRequests(tab.id);
        clock.setTimeout(() => locks.resume(tab.id), lockDelay);
      }
      const channel = bus.open(tab.id);
      const local = new LocalTransport({
        selfId: tab.id,
        name: 'conclave/v4/test/room',
        channel,
        locks: locks.forTab(tab.id),
        clock,
      });
      const mesh = new Mesh({
        selfId: tab.id,
        clock,
        sendSignal: () => {},
        transports: [local, webRtcTransport(rtc)],
      });
      tab.channel = channel;
      tab.mesh = mesh;
      mesh.joined(others);
      for (const next of tab.inbox.splice(0)) next(mesh);
    }, answerAt - clock.now());
  };

  const leaveOrCrash = (kind: 'leave' | 'crash', pick: number) => {
    const live = members.filter((member) => member.mesh);
    const tab = live[pick % Math.max(1, live.length)];
    if (!tab?.mesh || !tab.channel) return;
    members.splice(members.indexOf(tab), 1);
    tab.live = false;
    if (kind === 'leave') {
      tab.mesh.sayBye();
      tab.mesh.close();
    } else {
      bus.remove(tab.channel);
      locks.crash(tab.id);
    }
    for (const member of members) notify(member, (mesh) => mesh.peerLeft(tab.id));
  };

  /** Runs the clock ms by ms, letting promise callbacks (lock grants) run between steps. */
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t++) {
      clock.runFor(1);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  };

  for (let i = 0; i < schedule.initial; i++) join();
  for (const { after, step } of schedule.steps) {
    await advance(after);
    if (step.kind === 'join') join();
    else leaveOrCrash(step.kind, step.pick);
  }
  await advance(settleMs(schedule));
  const problems: string[] = [];
  const live = members.filter((member) => member.mesh);
  for (const tab of live) {
    const mesh = tab.mesh as Mesh;
    const expected = live.filter((other) => other !== tab).map((other) => short(other.id));
    const linked = mesh.view().map(short);
    if (linked.join() !== expected.join()) {
      const peers = mesh
        .peers()
        .map((peer) => `${short(peer.id)} ${peer.link}${peer.inRoom ? '' : ' (not in room)'}`);
      problems.push(`tab ${short(tab.id)} links [${linked}], not [${expected}]: ${peers.join(', ')}`);
    }
  }
  for (const tab of members) tab.mesh?.close();
  return problems;
}

const short = (peer: PeerId) => peer.replace(/^0+/, '');

describe('local mesh formation under random timing', () => {
  it('every live tab links every other live tab within one handshake of the last change', async () => {
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (schedule) => {
        expect(await linkProblems(schedule)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
