import type { PeerId } from '@conclave/election';
import { VirtualClock } from '@conclave/election/simulation';
import type { LinkFactory } from '../src/link';
import { LocalTransport } from '../src/local-transport';
import { Mesh } from '../src/mesh';
import { webRtcTransport } from '../src/transport';
import { type FakeChannel, FakeChannelBus, FakeLocks } from './fake-local';

export const id = (n: number): PeerId => n.toString(16).padStart(32, '0');

export interface Tab {
  readonly id: PeerId;
  readonly mesh: Mesh;
  readonly local: LocalTransport;
  readonly channel: FakeChannel;
}

/** Tabs of one browser profile: a shared channel bus, shared locks (or none), signaling done by hand. */
export function browser(options: { locks?: boolean } = {}) {
  const clock = new VirtualClock(0);
  const bus = new FakeChannelBus(clock);
  const locks = options.locks === false ? undefined : new FakeLocks();
  let rtcLinks = 0;
  // A WebRTC factory that only counts: these tests must never need one between local tabs.
  const rtc: LinkFactory = () => {
    rtcLinks++;
    throw new Error('no WebRTC in this test');
  };
  const tabs: Tab[] = [];
  const open = (tabId: PeerId): Tab => {
    const channel = bus.open();
    const local = new LocalTransport({
      selfId: tabId,
      name: 'conclave/v1/test/room',
      channel,
      locks: locks?.forTab(tabId),
      clock,
    });
    const mesh = new Mesh({
      selfId: tabId,
      clock,
      sendSignal: () => {},
      transports: [local, webRtcTransport(rtc)],
    });
    return { id: tabId, mesh, local, channel };
  };
  /** A tab joins: signaling lists it to the others and the others to it. */
  const join = (tabId: PeerId): Tab => {
    const tab = open(tabId);
    for (const other of tabs) other.mesh.peerJoined(tabId);
    tab.mesh.joined(tabs.map((other) => other.id));
    tabs.push(tab);
    return tab;
  };
  /** Runs the virtual clock, letting promise callbacks (lock grants) run between steps. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t++) {
      clock.runFor(1);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  };
  return { clock, bus, locks, tabs, open, join, run, rtcLinks: () => rtcLinks };
}

export const others = (tabs: readonly Tab[], self: Tab) =>
  tabs.filter((tab) => tab !== self).map((tab) => tab.id);
