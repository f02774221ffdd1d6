import type { Page } from '@playwright/test';
import { type BenchEvent, benchEventSchema } from '../pages/bench-events';
import { type Agreement, agreement } from './agreement';

/** The harness's picture of one tab, built from what the page reports (page-side epoch-ms timestamps). */
export interface Tab {
  readonly index: number;
  readonly page: Page;
  /** False once the harness closed or crashed it: its reports are ignored from then on. */
  alive: boolean;
  /** The renderer reported a crash (set by Playwright's `crash` event). */
  crashed: boolean;
  selfId: string | undefined;
  readyAt: number | undefined;
  /** When the page's navigation started (its `performance.timeOrigin`). */
  navigatedAt: number | undefined;
  openLinks: number;
  /** When the number of open links first reached each value. */
  readonly linksReachedAt: Map<number, number>;
  leaderId: string | undefined;
  term: number;
  leaderSince: number;
  /** When the page started to go away: its first beforeunload or pagehide (reported by the other tabs). */
  leavingAt: number | undefined;
  /** When its pagehide fired (Conclave hands over there). */
  pagehideAt: number | undefined;
  readonly events: BenchEvent[];
  readonly problems: string[];
}

export type Timeout = 'timeout';

const maxEventsPerTab = 5_000;

/**
 * Collects the reports of every tab of one room (pushed by the pages through `context.exposeBinding`) and
 * lets the harness wait for conditions on them without polling the pages.
 */
export class TabTracker {
  readonly tabs: Tab[] = [];
  private readonly byPage = new Map<Page, Tab>();
  private readonly listeners = new Set<() => void>();
  private invalidReports = 0;

  /** Registers a page before it navigates, so none of its reports are missed. */
  add(page: Page): Tab {
    const tab: Tab = {
      index: this.tabs.length,
      page,
      alive: true,
      crashed: false,
      selfId: undefined,
      readyAt: undefined,
      navigatedAt: undefined,
      openLinks: 0,
      linksReachedAt: new Map(),
      leaderId: undefined,
      term: 0,
      leaderSince: Number.NaN,
      leavingAt: undefined,
      pagehideAt: undefined,
      events: [],
      problems: [],
    };
    page.on('crash', () => {
      tab.crashed = true;
      this.notify();
    });
    this.tabs.push(tab);
    this.byPage.set(page, tab);
    return tab;
  }

  /** The binding's handler: validates the payload and updates the tab it came from. */
  onReport(page: Page, payload: unknown): void {
    const tab = this.byPage.get(page);
    const parsed = benchEventSchema.safeParse(payload);
    if (!tab || !parsed.success) {
      this.invalidReports += 1;
      return;
    }
    const event = parsed.data;
    if (event.kind === 'peer-leaving') {
      const closing = this.tabs.find((candidate) => candidate.selfId === event.selfId);
      if (closing) {
        closing.leavingAt = Math.min(closing.leavingAt ?? event.at, event.at);
        if (event.event === 'pagehide') closing.pagehideAt = event.at;
        this.notify();
      }
      return;
    }
    if (!tab.alive) return;
    if (tab.events.length < maxEventsPerTab) tab.events.push(event);
    switch (event.kind) {
      case 'ready':
        tab.selfId = event.selfId;
        tab.readyAt = event.at;
        tab.navigatedAt = event.navigatedAt;
        break;
      case 'links':
        tab.openLinks = event.open;
        if (!tab.linksReachedAt.has(event.open)) tab.linksReachedAt.set(event.open, event.at);
        break;
      case 'leader':
        if (event.leaderId !== tab.leaderId) tab.leaderSince = event.at;
        tab.leaderId = event.leaderId;
        tab.term = event.term;
        break;
      case 'problem':
        tab.problems.push(event.message);
        break;
      case 'leaving':
        tab.leavingAt = Math.min(tab.leavingAt ?? event.at, event.at);
        if (event.event === 'pagehide') tab.pagehideAt = event.at;
        break;
    }
    this.notify();
  }

  /** Marks a tab gone (closed or crashed by the harness). */
  retire(tab: Tab): void {
    tab.alive = false;
    this.notify();
  }

  live(): Tab[] {
    return this.tabs.filter((tab) => tab.alive);
  }

  /** The current agreement of the live tabs (see {@link agreement}). */
  agreement(excluded: ReadonlySet<string> = new Set()): Agreement | undefined {
    return agreement(this.live(), excluded);
  }

  /**
   * What went wrong in the tabs, one line each: each tab's problems, and the reports the harness rejected
   * (bad payload or unknown page; should be none).
   */
  problems(): string[] {
    const lines = this.tabs.flatMap((tab) => tab.problems.map((message) => `tab ${tab.index}: ${message}`));
    if (this.invalidReports > 0) lines.push(`${this.invalidReports} invalid reports`);
    return lines;
  }

  /**
   * Resolves with the first defined value of `condition`, evaluated now and after every report, or with
   * 'timeout' after `timeoutMs`.
   */
  waitFor<T>(condition: () => T | undefined, timeoutMs: number): Promise<T | Timeout> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const value = condition();
        if (value === undefined) return false;
        finish(value);
        return true;
      };
      const finish = (value: T | Timeout): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      if (!check()) this.listeners.add(check);
    });
  }

  /**
   * Waits until the live tabs agree and the agreement then holds for `settleMs` (a room that flips between
   * leaders has not agreed yet). Resolves with the last agreement, or 'timeout'.
   */
  async waitForStableAgreement(
    excluded: ReadonlySet<string>,
    timeoutMs: number,
    settleMs: number,
  ): Promise<Agreement | Timeout> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reached = await this.waitFor(() => this.agreement(excluded), deadline - Date.now());
      if (reached === 'timeout') return reached;
      const changed = await this.waitFor(() => {
        const now = this.agreement(excluded);
        return now?.leaderId === reached.leaderId && now.at === reached.at ? undefined : true;
      }, settleMs);
      if (changed === 'timeout') return reached;
      if (Date.now() >= deadline) return 'timeout';
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
