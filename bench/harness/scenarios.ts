import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext } from '@playwright/test';
import type { Agreement } from './agreement';
import { type Contender, tabUrl } from './contenders';
import type { Arrangement } from './options';
import { isolateFromEachOther, readable, readFromPage } from './page-hooks';
import { progress } from './progress';
import type { RepetitionTrace } from './repetition-trace';
import type { Sample } from './stats';
import { measureSteadyState, type SteadyResult } from './steady-state';
import { meshTimeoutMs, newcomerStart, waitForMesh } from './tab-readiness';
import { type Tab, TabTracker } from './tab-tracker';

/** One repetition of the whole sequence for one contender and room size. */
export interface RepetitionPlan {
  readonly contender: Contender;
  /** `cross`: the tabs alternate between the browsers given to {@link runRepetition} (one context each). */
  readonly arrangement: Arrangement;
  readonly tabs: number;
  readonly rep: number;
  readonly reps: number;
  /** Measure steady state for this long (ms) in this repetition; undefined skips it. */
  readonly steadyMs: number | undefined;
  /** Keep every tab's timeline in the result (for investigating a missed goal). */
  readonly trace: boolean;
}

export type { RepetitionTrace } from './repetition-trace';

export interface RepetitionResult {
  readonly rep: number;
  readonly room: string;
  /** From the first navigation to the last tab's mesh complete (broadcast-channel: last tab loaded). */
  readonly meshMs: Sample;
  /** From the last tab's mesh complete to every tab agreeing on one leader (0 when they agreed before). */
  readonly firstLeaderMs: Sample;
  /** The same, unclamped: negative when the room agreed before the last link opened. */
  readonly firstLeaderRawMs: number | undefined;
  /** From the first navigation to every tab agreeing on one leader (start-up as a user sees it). */
  readonly leaderFromStartMs: Sample;
  /**
   * The leader page starts to go away (its beforeunload/pagehide) → the remaining tabs agree on a new leader;
   * from the close call when no tab heard the leader leave.
   */
  readonly gracefulMs: Sample;
  /** The same from Node's `page.close()` call: includes the browser's own time to start closing the tab. */
  readonly gracefulFromCloseMs: Sample;
  /** When the closing leader's beforeunload and pagehide ran, after the close call (ms); for the timeline. */
  readonly gracefulDetail: { readonly leavingMs?: number; readonly pagehideMs?: number } | undefined;
  /** A new tab joins a room with a leader → it shows that leader (from its first link open / load). */
  readonly newcomerMs: Sample;
  /**
   * The same from the newcomer's navigation start: page load, then (Conclave) signaling's join and the links,
   * or (broadcast-channel) its status question and the leader's answer.
   */
  readonly newcomerFromNavigationMs: Sample;
  /**
   * Leader renderer crashed (CDP Page.crash) → the remaining tabs agree on a new leader. Two hosts: the leader
   * host's browser process is killed (SIGKILL) → the other host's tabs agree on a new leader.
   */
  readonly crashMs: Sample;
  /**
   * Cross-browser: the leader is cut off (it and every other tab drop what arrives from each other; links and
   * signaling stay up, so only missing heartbeats tell) → the other tabs agree on a new leader. Two hosts: the
   * leader host's link goes down (no TCP close, no goodbye) → the other host's tabs agree on a new leader.
   */
  readonly cutMs: Sample;
  readonly steady: SteadyResult | undefined;
  readonly problems: readonly string[];
  readonly trace: RepetitionTrace | undefined;
}

class Repetition {
  private readonly tracker = new TabTracker();
  private readonly room: string;
  private readonly url: string;
  private readonly actions: { at: number; action: string }[] = [];
  private readonly problems: string[] = [];
  private readonly checkpoints: RepetitionTrace['checkpoints'][number][] = [];
  /** With --trace: each tab's start-up timing, read once it knows the leader (before it may be closed). */
  private readonly startups = new Map<number, unknown>();

  constructor(
    private readonly contexts: readonly BrowserContext[],
    baseUrl: string,
    private readonly plan: RepetitionPlan,
  ) {
    this.room = `bench-${plan.contender.id}-${plan.arrangement}-${plan.tabs}-${plan.rep}-${randomBytes(4).toString('hex')}`;
    this.url = tabUrl(baseUrl, plan.contender, this.room, {
      ...(plan.trace ? { trace: '1' } : {}),
      // The network-cut scenario needs the page's fault injection; it runs in the cross-browser arrangement only.
      ...(plan.arrangement === 'cross' ? { faults: '1' } : {}),
    });
  }

  private say(message: string): void {
    const { contender, arrangement, tabs, rep, reps } = this.plan;
    progress(`${contender.id} ${arrangement} ${tabs} tabs rep ${rep}/${reps}: ${message}`);
  }

  private act(action: string): number {
    const at = Date.now();
    this.actions.push({ at, action });
    return at;
  }

  /** With --trace: keeps every live tab's counters as they are now. */
  private async checkpoint(label: string): Promise<void> {
    if (!this.plan.trace) return;
    const live = this.tracker.live();
    const data = await Promise.all(
      live.map(async (tab) => ({
        stats: await readFromPage(tab, 'stats'),
        timeline: await readFromPage(tab, 'timeline'),
        sends: await readFromPage(tab, 'sends'),
      })),
    );
    this.checkpoints.push({ label, tabs: Object.fromEntries(live.map((tab, i) => [tab.index, data[i]!])) });
  }

  /** With --trace: keeps the start-up timing of the live tabs not read yet. */
  private async recordStartups(): Promise<void> {
    if (!this.plan.trace) return;
    for (const tab of this.tracker.live()) {
      if (!this.startups.has(tab.index)) this.startups.set(tab.index, await readFromPage(tab, 'startup'));
    }
  }

  /** Opens the next tab, in the browsers in turn (cross-browser: even tabs in one, odd in the other). */
  private async openTab(): Promise<Tab> {
    const page = await this.contexts[this.tracker.tabs.length % this.contexts.length]!.newPage();
    const tab = this.tracker.add(page);
    page.on('pageerror', (error) => this.problems.push(`tab ${tab.index}: ${error.message}`));
    return tab;
  }

  private leaderTab(agreement: Agreement): Tab {
    const tab = this.tracker.live().find((candidate) => candidate.selfId === agreement.leaderId);
    if (!tab) throw new Error('agreement on a leader that is not a live tab');
    return tab;
  }

  async run(): Promise<RepetitionResult> {
    const { contender, tabs, steadyMs } = this.plan;
    for (const context of this.contexts) {
      await context.exposeBinding('benchReport', ({ page }, payload: unknown) =>
        this.tracker.onReport(page, payload),
      );
    }
    const result = {
      meshMs: 'skipped' as Sample,
      firstLeaderMs: 'skipped' as Sample,
      firstLeaderRawMs: undefined as number | undefined,
      leaderFromStartMs: 'skipped' as Sample,
      gracefulMs: 'skipped' as Sample,
      gracefulFromCloseMs: 'skipped' as Sample,
      gracefulDetail: undefined as RepetitionResult['gracefulDetail'],
      newcomerMs: 'skipped' as Sample,
      newcomerFromNavigationMs: 'skipped' as Sample,
      crashMs: 'skipped' as Sample,
      cutMs: 'skipped' as Sample,
      steady: undefined as SteadyResult | undefined,
    };

    // Create the tabs in order (so they alternate browsers), then navigate them all at once, as a user
    // restoring a session would.
    const opened: Tab[] = [];
    for (let i = 0; i < tabs; i++) opened.push(await this.openTab());
    const navigatedAt = this.act(`navigate ${tabs} tabs`);
    await Promise.all(opened.map((tab) => tab.page.goto(this.url)));
    const meshAt = await waitForMesh(this.tracker, this.plan.contender, this.plan.tabs);
    result.meshMs = meshAt === 'timeout' ? meshAt : meshAt - navigatedAt;
    if (meshAt === 'timeout') {
      this.say(`mesh not complete after ${meshTimeoutMs(this.plan.tabs)} ms`);
      return this.finish(result);
    }

    let agreed = await this.tracker.waitForStableAgreement(
      new Set(),
      contender.timeouts.leader,
      contender.settleMs,
    );
    if (agreed === 'timeout') {
      result.firstLeaderMs = 'timeout';
      result.leaderFromStartMs = 'timeout';
      this.say('first leader: timeout');
      return this.finish(result);
    }
    result.firstLeaderRawMs = agreed.at - meshAt;
    result.firstLeaderMs = Math.max(0, result.firstLeaderRawMs);
    result.leaderFromStartMs = agreed.at - navigatedAt;
    this.say(
      `mesh ${Math.round(result.meshMs as number)} ms, first leader ${Math.round(result.firstLeaderMs)} ms`,
    );

    await this.recordStartups();
    if (steadyMs !== undefined) {
      result.steady = await measureSteadyState(this.tracker.live(), agreed.leaderId, steadyMs);
      this.say(
        `steady: ${result.steady.perTab.messagesPerSecond.toFixed(2)} msg/s per tab, ${result.steady.senders} sender(s), ` +
          `CPU ${result.steady.cpuPercent.toFixed(1)} %, PSS ${Math.round(result.steady.pssMiB)} MiB`,
      );
    }

    // Graceful failover: close the leader's page so beforeunload and pagehide run.
    const graceful = this.leaderTab(agreed);
    this.tracker.retire(graceful);
    const closedAt = this.act(`close leader tab ${graceful.index}`);
    await graceful.page.close({ runBeforeUnload: true });
    agreed = await this.tracker.waitForStableAgreement(
      new Set([agreed.leaderId]),
      contender.timeouts.failover,
      contender.settleMs,
    );
    if (agreed === 'timeout') {
      result.gracefulMs = 'timeout';
      result.gracefulFromCloseMs = 'timeout';
      this.say('graceful failover: timeout');
      return this.finish(result);
    }
    result.gracefulFromCloseMs = agreed.at - closedAt;
    if (graceful.leavingAt === undefined) this.problems.push('no tab heard the closed leader leave');
    result.gracefulMs = agreed.at - (graceful.leavingAt ?? closedAt);
    result.gracefulDetail = {
      ...(graceful.leavingAt !== undefined ? { leavingMs: graceful.leavingAt - closedAt } : {}),
      ...(graceful.pagehideAt !== undefined ? { pagehideMs: graceful.pagehideAt - closedAt } : {}),
    };
    this.say(
      `graceful failover ${Math.round(result.gracefulMs)} ms from leaving, ${Math.round(result.gracefulFromCloseMs)} ms ` +
        `from page.close() (beforeunload +${Math.round(result.gracefulDetail.leavingMs ?? Number.NaN)}, ` +
        `pagehide +${Math.round(result.gracefulDetail.pagehideMs ?? Number.NaN)})`,
    );
    await this.checkpoint('graceful failover');

    // Newcomer: one more tab joins the room that has a leader.
    const leaderBefore = agreed.leaderId;
    const newcomer = await this.openTab();
    this.act(`open newcomer tab ${newcomer.index}`);
    await newcomer.page.goto(this.url);
    const shown = await this.tracker.waitFor(() => {
      const agreement = this.tracker.agreement();
      const start = newcomerStart(newcomer, contender);
      return agreement && start !== undefined && newcomer.leaderId === agreement.leaderId
        ? { agreement, start }
        : undefined;
    }, contender.timeouts.newcomer);
    if (shown === 'timeout') {
      result.newcomerMs = 'timeout';
      result.newcomerFromNavigationMs = 'timeout';
      this.say('newcomer: timeout');
      return this.finish(result);
    }
    result.newcomerMs = Math.max(0, newcomer.leaderSince - shown.start);
    if (newcomer.navigatedAt !== undefined) {
      result.newcomerFromNavigationMs = newcomer.leaderSince - newcomer.navigatedAt;
    }
    if (shown.agreement.leaderId !== leaderBefore) this.problems.push('the newcomer changed the leader');
    this.say(
      `newcomer ${Math.round(result.newcomerMs)} ms, ${Math.round(Number(result.newcomerFromNavigationMs))} ms from its navigation`,
    );
    await this.recordStartups();
    await this.checkpoint('newcomer');

    // Crash failover: the full mesh again (the newcomer linked to everyone), then crash the leader's renderer.
    const remeshed = await waitForMesh(this.tracker, this.plan.contender, this.plan.tabs);
    agreed = await this.tracker.waitForStableAgreement(
      new Set(),
      contender.timeouts.leader,
      contender.settleMs,
    );
    if (remeshed === 'timeout' || agreed === 'timeout') {
      this.say('no stable meshed room before the crash');
      return this.finish(result);
    }
    const crashed = this.leaderTab(agreed);
    const cdp = await crashed.page.context().newCDPSession(crashed.page);
    this.tracker.retire(crashed);
    const crashedAt = this.act(`crash leader tab ${crashed.index}`);
    cdp.send('Page.crash').catch(() => {}); // never answers: the renderer is gone
    const afterCrash = await this.tracker.waitForStableAgreement(
      new Set([agreed.leaderId]),
      contender.timeouts.failover,
      contender.settleMs,
    );
    const collateral = this.tracker.tabs.filter((tab) => tab.crashed && tab !== crashed);
    if (collateral.length > 0)
      this.problems.push(`${collateral.length} other tab(s) crashed with the leader`);
    result.crashMs = afterCrash === 'timeout' ? afterCrash : afterCrash.at - crashedAt;
    this.say(
      `crash failover ${typeof result.crashMs === 'number' ? `${Math.round(result.crashMs)} ms` : result.crashMs}`,
    );
    if (this.plan.arrangement === 'cross' && afterCrash !== 'timeout') {
      await this.checkpoint('crash failover');
      result.cutMs = await this.cutLeaderOff(afterCrash);
      this.say(
        `crash failover, heartbeats only ${typeof result.cutMs === 'number' ? `${Math.round(result.cutMs)} ms` : result.cutMs}`,
      );
    }
    return this.finish(result);
  }

  /**
   * A network cut that signaling does not see: the leader drops everything from the other tabs and they drop
   * everything from it, while every link and signaling connection stays up. Only the missing heartbeats tell
   * the followers. The clock starts in Node before the first tab applies the cut (so it includes the time
   * Playwright takes to reach the tabs: a conservative figure). The cut-off leader keeps leading itself, so it
   * leaves the room the harness watches.
   */
  private async cutLeaderOff(agreed: Agreement): Promise<Sample> {
    const leader = this.leaderTab(agreed);
    const others = this.tracker.live().filter((tab) => tab !== leader);
    if (others.length === 0) return 'skipped'; // a room of one (2 tabs after the crash): nobody to fail over to
    const otherIds = others.flatMap((tab) => (tab.selfId ? [tab.selfId] : []));
    this.tracker.retire(leader);
    const cutAt = this.act(`cut leader tab ${leader.index} off the network`);
    const appliedAt = await isolateFromEachOther(leader, otherIds, others, agreed.leaderId);
    if (appliedAt === undefined) {
      this.problems.push('network cut: a page has no fault-injection hook (?faults=1)');
      return 'skipped';
    }
    const after = await this.tracker.waitForStableAgreement(
      new Set([agreed.leaderId]),
      this.plan.contender.timeouts.failover,
      this.plan.contender.settleMs,
    );
    this.say(`network cut applied in every tab within ${Math.round(appliedAt - cutAt)} ms`);
    return after === 'timeout' ? after : after.at - cutAt;
  }

  private async finish(
    result: Omit<RepetitionResult, 'rep' | 'room' | 'problems' | 'trace'>,
  ): Promise<RepetitionResult> {
    this.problems.push(...this.tracker.problems());
    for (const problem of this.problems) this.say(`problem: ${problem}`);
    return {
      ...result,
      rep: this.plan.rep,
      room: this.room,
      problems: this.problems,
      trace: this.plan.trace ? await this.collectTrace() : undefined,
    };
  }

  private async collectTrace(): Promise<RepetitionTrace> {
    const tabs = await Promise.all(
      this.tracker.tabs.map(async (tab) => ({
        index: tab.index,
        selfId: tab.selfId,
        alive: tab.alive,
        events: tab.events,
        timeline: readable(tab) ? await readFromPage(tab, 'timeline') : undefined,
        stats: readable(tab) ? await readFromPage(tab, 'stats') : undefined,
        sends: readable(tab) ? await readFromPage(tab, 'sends') : undefined,
        startup:
          this.startups.get(tab.index) ?? (readable(tab) ? await readFromPage(tab, 'startup') : undefined),
      })),
    );
    return { tabs, actions: this.actions, checkpoints: this.checkpoints };
  }
}

/**
 * Runs one repetition in a fresh browser context per browser (its own storage, so nothing leaks between
 * repetitions): one browser for the same-context arrangement, two for the cross-browser one.
 */
export async function runRepetition(
  browsers: readonly Browser[],
  baseUrl: string,
  plan: RepetitionPlan,
): Promise<RepetitionResult> {
  const contexts: BrowserContext[] = [];
  try {
    for (const browser of browsers) contexts.push(await browser.newContext());
    return await new Repetition(contexts, baseUrl, plan).run();
  } finally {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
  }
}
