import type { Page } from '@playwright/test';
import { type TrafficCounters, trafficCountersSchema } from '../pages/bench-events';
import { cpuPercent, readBrowserUsage } from './browser-usage';
import type { Tab } from './tab-tracker';

/** Traffic of one group of tabs, per tab and second. */
export interface Rate {
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
}

/** What a room costs once it has a leader and nothing happens. */
export interface SteadyResult {
  readonly windowMs: number;
  readonly tabs: number;
  /** The election's transport (Conclave: data channels; broadcast-channel: its channel), mean over all tabs. */
  readonly perTab: Rate;
  readonly leader: Rate;
  /** The busiest follower. */
  readonly followerMax: Rate;
  /** Tabs that sent anything on the election's transport during the window (the goal is 1: the leader). */
  readonly senders: number;
  /** Signaling (WebSocket) messages per tab and second: Socket.IO heartbeats. */
  readonly signalingPerTab: Rate;
  /** The bench's own status broadcast (broadcast-channel page only), per tab and second. */
  readonly benchStatusPerTab: Rate;
  /** Browser CPU over the window, percent of one core (all Chromium processes). */
  readonly cpuPercent: number;
  /** Browser memory at the end of the window: sum of PSS of all Chromium processes, MiB. */
  readonly pssMiB: number;
  readonly browserProcesses: number;
  /** Leader changes seen by any tab during the window (should be 0). */
  readonly leaderChanges: number;
}

async function readCounters(page: Page): Promise<TrafficCounters> {
  return trafficCountersSchema.parse(await page.evaluate(() => window.bench?.traffic));
}

function rate(messages: number, bytes: number, seconds: number): Rate {
  return { messagesPerSecond: messages / seconds, bytesPerSecond: bytes / seconds };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Measures the room's traffic, CPU and memory over `windowMs` of steady state. */
export async function measureSteadyState(
  tabs: readonly Tab[],
  leaderId: string,
  windowMs: number,
): Promise<SteadyResult> {
  const before = await Promise.all(tabs.map((tab) => readCounters(tab.page)));
  const usageBefore = readBrowserUsage();
  const startedAt = Date.now();
  await delay(windowMs);
  const after = await Promise.all(tabs.map((tab) => readCounters(tab.page)));
  const usageAfter = readBrowserUsage();
  const seconds = (Date.now() - startedAt) / 1000;

  const perTab = tabs.map((tab, i) => {
    const start = before[i]!;
    const end = after[i]!;
    const delta = (pick: (counters: TrafficCounters) => { messages: number; bytes: number }) => ({
      messages: pick(end).messages - pick(start).messages,
      bytes: pick(end).bytes - pick(start).bytes,
    });
    const dc = delta((c) => c.dataChannel);
    const bc = delta((c) => c.broadcastChannel);
    return {
      isLeader: tab.selfId === leaderId,
      election: { messages: dc.messages + bc.messages, bytes: dc.bytes + bc.bytes },
      signaling: delta((c) => c.webSocket),
      status: delta((c) => c.status),
    };
  });
  const sum = (values: readonly { messages: number; bytes: number }[]) =>
    values.reduce((total, v) => ({ messages: total.messages + v.messages, bytes: total.bytes + v.bytes }), {
      messages: 0,
      bytes: 0,
    });
  const perTabRate = (values: readonly { messages: number; bytes: number }[]) => {
    const total = sum(values);
    return rate(total.messages / values.length, total.bytes / values.length, seconds);
  };
  const leader = perTab.find((tab) => tab.isLeader)?.election ?? { messages: 0, bytes: 0 };
  const followers = perTab.filter((tab) => !tab.isLeader).map((tab) => tab.election);
  const busiest = followers.reduce((max, v) => (v.messages > max.messages ? v : max), {
    messages: 0,
    bytes: 0,
  });
  const windowStart = startedAt;
  const leaderChanges = tabs
    .flatMap((tab) => tab.events)
    .filter((event) => event.kind === 'leader' && event.at >= windowStart).length;

  return {
    windowMs: seconds * 1000,
    tabs: tabs.length,
    perTab: perTabRate(perTab.map((tab) => tab.election)),
    leader: rate(leader.messages, leader.bytes, seconds),
    followerMax: rate(busiest.messages, busiest.bytes, seconds),
    senders: perTab.filter((tab) => tab.election.messages > 0).length,
    signalingPerTab: perTabRate(perTab.map((tab) => tab.signaling)),
    benchStatusPerTab: perTabRate(perTab.map((tab) => tab.status)),
    cpuPercent: cpuPercent(usageBefore, usageAfter),
    pssMiB: usageAfter.pssBytes / 2 ** 20,
    browserProcesses: usageAfter.processes,
    leaderChanges,
  };
}
