import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Browser, type BrowserContext, type BrowserServer, chromium } from '@playwright/test';
// The e2e test hosts, not a second netns implementation: the bench only drives them.
import { chromiumArgs } from '../../e2e/support/chromium';
import {
  createTestNetwork,
  sweepTestHosts,
  type TestNetwork,
  testHostsUnavailable,
} from '../../e2e/support/netns';
import type { Agreement } from './agreement';
import { chromiumExecutable } from './browser';
import { tabUrl } from './contenders';
import { descendants, untilGone } from './processes';
import { progress } from './progress';
import type { RepetitionPlan, RepetitionResult } from './scenarios';
import { type BenchServer, startBenchServer } from './server';
import type { Sample } from './stats';
import { waitForMesh } from './tab-readiness';
import { type Tab, TabTracker } from './tab-tracker';

/** Two test hosts on a bridge and the bench's signaling server listening on the bridge. */
export interface HostsRig {
  readonly network: TestNetwork;
  readonly server: BenchServer;
}

/**
 * Runs `body` with two test hosts (the e2e helpers: network namespaces on a bridge) and a signaling server on
 * the bridge serving `staticDir`. Resolves with why it could not (not root, no `ip netns`) instead of running
 * `body`; the bench is not CI, so that is a skip, not a failure. Leftovers of a killed earlier run are swept
 * first (not another run's networks in use); the network is destroyed afterwards, also when `body` fails.
 */
export async function withTwoHosts(
  staticDir: string,
  body: (rig: HostsRig) => Promise<void>,
): Promise<string | undefined> {
  const why = await testHostsUnavailable();
  if (why !== undefined) return why;
  await sweepTestHosts(); // only networks no run uses
  const network = await createTestNetwork(2, chromiumExecutable() ?? chromium.executablePath());
  try {
    const server = await startBenchServer(staticDir, network.bridgeAddress);
    try {
      await body({ network, server });
    } finally {
      await server.close().catch(() => {});
    }
  } finally {
    await network.destroy();
  }
  return undefined;
}

/** One host's Chromium: a browser server (so Node knows the browser process and can kill it) and a client. */
interface HostBrowser {
  readonly server: BrowserServer;
  readonly browser: Browser;
}

async function launchOnHost(wrapper: string): Promise<HostBrowser> {
  const server = await chromium.launchServer({ executablePath: wrapper, args: chromiumArgs });
  try {
    return { server, browser: await chromium.connect(server.wsEndpoint()) };
  } catch (error) {
    await server.close().catch(() => {});
    throw error;
  }
}

/** A room open on both hosts: the tabs alternate hosts (even tabs on host 0, odd on host 1). */
interface HostsRoom {
  readonly tracker: TabTracker;
  readonly hostOf: Map<Tab, number>;
  readonly contexts: readonly BrowserContext[];
}

/**
 * One repetition across two hosts, in two rooms (a cut and a kill each end a room): first the leader host's
 * link goes down, then, in a fresh room, the leader host's browser is killed. Both are timed from Node just
 * before the fault, to the other host's tabs agreeing on a new leader among themselves.
 */
class HostsRepetition {
  private readonly problems: string[] = [];
  private readonly actions: { at: number; action: string }[] = [];
  private readonly rooms: HostsRoom[] = [];
  private readonly roomPrefix: string;

  constructor(
    private readonly network: TestNetwork,
    private readonly baseUrl: string,
    private readonly plan: RepetitionPlan,
  ) {
    this.roomPrefix = `bench-${plan.contender.id}-hosts-${plan.tabs}-${plan.rep}-${randomBytes(4).toString('hex')}`;
  }

  private say(message: string): void {
    const { contender, tabs, rep, reps } = this.plan;
    progress(`${contender.id} hosts ${tabs} tabs rep ${rep}/${reps}: ${message}`);
  }

  private act(action: string): number {
    const at = Date.now();
    this.actions.push({ at, action });
    return at;
  }

  private get settleMs(): number {
    return this.plan.contender.settleMs;
  }

  /** Opens the room's tabs on both hosts, navigates them at once and waits for the full mesh. */
  private async open(
    browsers: readonly HostBrowser[],
    name: string,
  ): Promise<{
    room: HostsRoom;
    navigatedAt: number;
    meshAt: number | 'timeout';
  }> {
    const tracker = new TabTracker();
    const hostOf = new Map<Tab, number>();
    const contexts: BrowserContext[] = [];
    const room: HostsRoom = { tracker, hostOf, contexts };
    this.rooms.push(room);
    for (const { browser } of browsers) {
      const context = await browser.newContext();
      contexts.push(context);
      await context.exposeBinding('benchReport', ({ page }, payload: unknown) =>
        tracker.onReport(page, payload),
      );
    }
    const url = tabUrl(this.baseUrl, this.plan.contender, `${this.roomPrefix}-${name}`);
    for (let i = 0; i < this.plan.tabs; i++) {
      const host = i % contexts.length;
      const page = await contexts[host]!.newPage();
      const tab = tracker.add(page);
      hostOf.set(tab, host);
      page.on('pageerror', (error) => this.problems.push(`${name} tab ${tab.index}: ${error.message}`));
    }
    const navigatedAt = this.act(`${name}: navigate ${this.plan.tabs} tabs`);
    await Promise.all(tracker.tabs.map((tab) => tab.page.goto(url)));
    const meshAt = await waitForMesh(tracker, this.plan.contender, this.plan.tabs);
    return { room, navigatedAt, meshAt };
  }

  /** The leader's tab and host, and the tabs of the other host (retired: the harness stops watching them). */
  private splitAtLeader(room: HostsRoom, agreed: Agreement): { host: number; others: Tab[] } | undefined {
    const leader = room.tracker.live().find((tab) => tab.selfId === agreed.leaderId);
    if (!leader) return undefined;
    const host = room.hostOf.get(leader)!;
    const others = room.tracker.live().filter((tab) => room.hostOf.get(tab) !== host);
    for (const tab of room.tracker.live()) if (room.hostOf.get(tab) === host) room.tracker.retire(tab);
    return { host, others };
  }

  private async closeRoom(room: HostsRoom): Promise<void> {
    await Promise.all(room.contexts.map((context) => context.close().catch(() => {})));
  }

  async run(): Promise<RepetitionResult> {
    const result = {
      meshMs: 'skipped' as Sample,
      firstLeaderMs: 'skipped' as Sample,
      firstLeaderRawMs: undefined as number | undefined,
      leaderFromStartMs: 'skipped' as Sample,
      gracefulMs: 'skipped' as Sample,
      gracefulFromCloseMs: 'skipped' as Sample,
      gracefulDetail: undefined,
      newcomerMs: 'skipped' as Sample,
      newcomerFromNavigationMs: 'skipped' as Sample,
      crashMs: 'skipped' as Sample,
      cutMs: 'skipped' as Sample,
      steady: undefined,
    };
    const { timeouts } = this.plan.contender;
    const browsers: HostBrowser[] = [];
    try {
      for (const host of this.network.hosts) browsers.push(await launchOnHost(host.chromiumWrapper));

      // Room 1: start-up across the hosts, then the leader host's link goes down.
      const first = await this.open(browsers, 'cut');
      result.meshMs = first.meshAt === 'timeout' ? 'timeout' : first.meshAt - first.navigatedAt;
      if (first.meshAt === 'timeout') {
        this.say(`mesh not complete: ${linksPerTab(first.room)}`);
        return this.finish(result);
      }
      const agreed = await first.room.tracker.waitForStableAgreement(
        new Set(),
        timeouts.leader,
        this.settleMs,
      );
      if (agreed === 'timeout') {
        result.firstLeaderMs = 'timeout';
        result.leaderFromStartMs = 'timeout';
        this.say('first leader: timeout');
        return this.finish(result);
      }
      result.firstLeaderRawMs = agreed.at - first.meshAt;
      result.firstLeaderMs = Math.max(0, result.firstLeaderRawMs);
      result.leaderFromStartMs = agreed.at - first.navigatedAt;
      this.say(
        `mesh ${Math.round(result.meshMs as number)} ms, first leader ${Math.round(result.firstLeaderMs)} ms`,
      );
      result.cutMs = await this.cut(first.room, agreed);
      this.say(`leader host's link down: ${describe(result.cutMs)}`);

      // Room 2: a fresh room on the same browsers, then the leader host's browser is killed.
      const second = await this.open(browsers, 'kill');
      const again =
        second.meshAt === 'timeout'
          ? 'timeout'
          : await second.room.tracker.waitForStableAgreement(new Set(), timeouts.leader, this.settleMs);
      if (again === 'timeout') {
        this.say(`no stable meshed room before the kill: ${linksPerTab(second.room)}`);
        return this.finish(result);
      }
      result.crashMs = await this.kill(second.room, again, browsers);
      this.say(`leader host's browser killed: ${describe(result.crashMs)}`);
      return this.finish(result);
    } finally {
      for (const room of this.rooms) await this.closeRoom(room);
      for (const { browser, server } of browsers) {
        await browser.close().catch(() => {});
        await server.close().catch(() => {});
      }
    }
  }

  /** Takes the leader host's link down, times the other host's agreement, closes the room, brings it back up. */
  private async cut(room: HostsRoom, agreed: Agreement): Promise<Sample> {
    const split = this.splitAtLeader(room, agreed);
    if (!split || split.others.length === 0) return 'skipped';
    const host = this.network.hosts[split.host]!;
    try {
      const cutAt = this.act(`cut ${host.name} (the leader's) off the bridge`);
      await host.cut();
      const after = await room.tracker.waitForStableAgreement(
        new Set([agreed.leaderId]),
        this.plan.contender.timeouts.failover,
        this.settleMs,
      );
      this.say(`after the cut: ${leadersFollowed(room, cutAt, split.host)}`);
      return after === 'timeout' ? after : after.at - cutAt;
    } finally {
      // Closed before the link is back, so the cut-off half never rejoins the room.
      await this.closeRoom(room);
      await host.restore();
    }
  }

  /** SIGKILLs the leader host's browser process and times the other host's agreement. */
  private async kill(room: HostsRoom, agreed: Agreement, browsers: readonly HostBrowser[]): Promise<Sample> {
    const split = this.splitAtLeader(room, agreed);
    if (!split) return 'skipped';
    const child = browsers[split.host]!.server.process();
    // The wrappers exec (ip netns exec, Debian's chromium script), so the child is the browser itself.
    const comm =
      child.pid === undefined ? '' : await readFile(`/proc/${child.pid}/comm`, 'utf8').catch(() => '');
    if (!comm.trim().startsWith('chrom'))
      this.problems.push(`killed process is "${comm.trim()}", not Chromium`);
    let goneAt: number | undefined;
    child.once('exit', () => {
      goneAt = Date.now();
    });
    // Its children (network service, renderers, GPU) die when they notice the browser gone; the sockets the
    // other side sees close go with the network service.
    const children = child.pid === undefined ? [] : await descendants(child.pid);
    const network = [];
    for (const pid of children) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes('NetworkService')) network.push(pid);
    }
    const killedAt = this.act(`SIGKILL the browser of host ${split.host} (the leader's)`);
    child.kill('SIGKILL');
    const allGone = untilGone(children, 5_000);
    const networkGone = untilGone(network, 5_000);
    const after = await room.tracker.waitForStableAgreement(
      new Set([agreed.leaderId]),
      this.plan.contender.timeouts.failover,
      this.settleMs,
    );
    // For reading a slow figure: when the browser process exited and when all its children had.
    const childrenGoneAt = await allGone;
    const networkGoneAt = await networkGone;
    this.say(
      `browser process gone ${goneAt === undefined ? 'not seen' : `after ${goneAt - killedAt} ms`}, ` +
        `its ${children.length} child processes ${childrenGoneAt === undefined ? 'not all gone within 5 s' : `after ${childrenGoneAt - killedAt} ms`}, ` +
        `its network service (${network.length}) ${networkGoneAt === undefined ? 'not gone within 5 s' : `after ${networkGoneAt - killedAt} ms`}`,
    );
    this.say(`after the kill: ${leadersFollowed(room, killedAt, split.host)}`);
    return after === 'timeout' ? after : after.at - killedAt;
  }

  private finish(result: Omit<RepetitionResult, 'rep' | 'room' | 'problems' | 'trace'>): RepetitionResult {
    for (const room of this.rooms) this.problems.push(...room.tracker.problems());
    for (const problem of this.problems) this.say(`problem: ${problem}`);
    return {
      ...result,
      rep: this.plan.rep,
      room: this.roomPrefix,
      problems: this.problems,
      trace: undefined,
    };
  }
}

/**
 * For reading a slow failover: each leader the watched tabs switched to after `since`, in order, with when
 * (ms after `since`) and how many switched, and whether it was on the host that failed (e.g.
 * `t3 (failed host) +210 ms ×2, t5 +700 ms ×4`).
 */
function leadersFollowed(room: HostsRoom, since: number, failedHost: number): string {
  const switches = room.tracker
    .live()
    .flatMap((tab) =>
      tab.events.flatMap((event) => (event.kind === 'leader' && event.at >= since ? [event] : [])),
    )
    .sort((a, b) => a.at - b.at);
  const seen = new Map<string, { first: number; count: number }>();
  for (const event of switches) {
    const entry = seen.get(event.leaderId ?? 'none') ?? { first: event.at, count: 0 };
    entry.count += 1;
    seen.set(event.leaderId ?? 'none', entry);
  }
  if (seen.size === 0) return 'no leader change reported';
  return [...seen]
    .map(([leaderId, { first, count }]) => {
      const tab = room.tracker.tabs.find((candidate) => candidate.selfId === leaderId);
      const where = tab === undefined ? '' : room.hostOf.get(tab) === failedHost ? ' (failed host)' : '';
      return `${tab ? `t${tab.index}` : leaderId.slice(0, 6)}${where} +${Math.round(first - since)} ms ×${count}`;
    })
    .join(', ');
}

/** Each tab's host and open links, for reading a mesh that did not complete (e.g. `h0:7 h1:6 …`). */
function linksPerTab(room: HostsRoom): string {
  return `open links ${room.tracker.tabs.map((tab) => `h${room.hostOf.get(tab)}:${tab.openLinks}${tab.selfId ? '' : '(no id)'}`).join(' ')}`;
}

function describe(sample: Sample): string {
  return typeof sample === 'number' ? `${Math.round(sample)} ms` : sample;
}

/**
 * One repetition of the two-host arrangement: fresh browsers on both hosts (one is killed), a room for the
 * network cut and one for the browser kill. Graceful failover, newcomer and steady state are not measured here
 * (the two-browser arrangement has them); start-up is, from the first room.
 */
export function runHostsRepetition(
  network: TestNetwork,
  baseUrl: string,
  plan: RepetitionPlan,
): Promise<RepetitionResult> {
  return new HostsRepetition(network, baseUrl, plan).run();
}

/** The browser version the hosts run (for the report), from a short launch on host 0. */
export async function hostsBrowserVersion(network: TestNetwork): Promise<string> {
  const { browser, server } = await launchOnHost(network.hosts[0]!.chromiumWrapper);
  try {
    return browser.version();
  } finally {
    await browser.close().catch(() => {});
    await server.close().catch(() => {});
  }
}
