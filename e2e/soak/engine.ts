import type { Room } from '@conclave/mesh';
import type { BrowserContext, Page } from '@playwright/test';
import { crashTab, roomUrl } from '../support/tabs';
import { analyzeSoak } from './analysis';
import type { ActionKind, ActionRecord, LifeTrace, SoakAnalysis } from './analysis-types';
import { between, type Random, seededRandom, weighted } from './random';
import { reportBinding, reporterScript, type TabReport } from './report';

export interface SoakOptions {
  /** A browser context of its own (the soak installs a binding and an init script on it). */
  readonly context: BrowserContext;
  /** The signaling server serving the dashboard. */
  readonly baseUrl: string;
  readonly room: string;
  /** Most tabs open at once; the soak starts with this many and keeps between 2 and this many. */
  readonly tabs: number;
  readonly durationMs: number;
  readonly seed: number;
  /** Pause between two actions, drawn uniformly from this range (ms). Default [1500, 4500]. */
  readonly actionGapMs?: readonly [number, number];
  /** Share of leave/crash/reload actions aimed at the leader (a failover); the rest hit a random tab. */
  readonly leaderBias?: number;
  /** How long the room may take to agree at the start and after the last action. Default 30 s. */
  readonly settleTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface SoakResult {
  readonly seed: number;
  readonly tabs: number;
  readonly durationMs: number;
  readonly startedAt: string;
  readonly actions: Readonly<Record<ActionKind, number>> & {
    readonly onLeader: Readonly<Record<Exclude<ActionKind, 'join'>, number>>;
  };
  /** Tabs that crashed without the soak crashing them (a shared renderer), if any. */
  readonly collateralCrashes: number;
  /** Whether the tabs agreed on one leader before the first action and after the last one. */
  readonly settled: { readonly atStart: boolean; readonly atEnd: boolean };
  readonly analysis: SoakAnalysis;
}

/** The raw material of a soak: every life's reports, the actions, and the observed window. */
export interface SoakTrace {
  readonly lives: readonly LifeTrace[];
  readonly actions: readonly ActionRecord[];
  readonly window: { readonly from: number; readonly to: number };
}

const reportIntervalMs = 100;

interface Tab {
  readonly page: Page;
  /** The id of its current page load, once it reported. */
  id: string | undefined;
  role: TabReport['role'] | undefined;
  alive: boolean;
}

/**
 * The churn soak: opens `tabs` tabs of one room, then until `durationMs` is over, every 1.5-4.5 s picks an
 * action at random (seeded): a tab joins, leaves gracefully (close), crashes (CDP `Page.crash`) or reloads.
 * Every tab reports (leader, term, view) every 100 ms and on every change, with its own timestamps; the
 * reports are replayed into one timeline by {@link analyzeSoak}.
 */
export async function runSoak(options: SoakOptions): Promise<{ result: SoakResult; trace: SoakTrace }> {
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => {});
  const settleTimeoutMs = options.settleTimeoutMs ?? 30_000;
  const url = roomUrl(options.baseUrl, options.room);
  const lives = new Map<string, { reports: TabReport[]; endedAt: number | undefined }>();
  const tabs: Tab[] = [];
  const actions: ActionRecord[] = [];
  let collateralCrashes = 0;

  await options.context.exposeBinding(reportBinding, ({ page }, report: TabReport) => {
    const life = lives.get(report.id) ?? { reports: [], endedAt: undefined };
    lives.set(report.id, life);
    life.reports.push(report);
    // A page's reports of an ended life (a reloading page's goodbye) do not describe the tab any more.
    const tab = tabs.find((candidate) => candidate.page === page);
    if (tab?.alive && life.endedAt === undefined) {
      tab.id = report.id;
      tab.role = report.role;
    }
  });
  await options.context.addInitScript({ content: reporterScript(reportBinding, reportIntervalMs) });

  const endLife = (tab: Tab, at: number) => {
    const life = tab.id === undefined ? undefined : lives.get(tab.id);
    if (life && life.endedAt === undefined) life.endedAt = at;
    tab.id = undefined;
    tab.role = undefined;
  };

  const openTab = async (): Promise<void> => {
    const page = await options.context.newPage();
    const tab: Tab = { page, id: undefined, role: undefined, alive: true };
    tabs.push(tab);
    page.on('crash', () => {
      if (!tab.alive) return;
      collateralCrashes++;
      tab.alive = false;
      endLife(tab, Date.now());
      page.close().catch(() => {});
    });
    await page.goto(url);
  };

  const alive = () => tabs.filter((tab) => tab.alive);
  const startedAt = new Date().toISOString();
  for (let i = 0; i < options.tabs; i++) await openTab();
  const settledAtStart = await settle(alive, settleTimeoutMs);
  const from = Date.now();
  log(
    `soak: ${options.tabs} tabs ${settledAtStart ? 'agree' : 'do NOT agree'}; churning for ${options.durationMs} ms`,
  );

  const deadline = from + options.durationMs;
  const [gapMin, gapMax] = options.actionGapMs ?? [1_500, 4_500];
  let nextProgress = from + 30_000;
  while (Date.now() < deadline) {
    await pause(Math.min(between(random, gapMin, gapMax), Math.max(0, deadline - Date.now())));
    if (Date.now() >= deadline) break;
    try {
      actions.push(await act(random, options, alive(), openTab, endLife));
    } catch (error) {
      log(`soak: an action failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (Date.now() >= nextProgress) {
      nextProgress += 30_000;
      log(
        `soak: ${Math.round((Date.now() - from) / 1000)} s, ${actions.length} actions, ${alive().length} tabs`,
      );
    }
  }
  const settledAtEnd = await settle(alive, settleTimeoutMs);
  // A last stretch of reports after the room settled, so the final failover's end is observed.
  await pause(4 * reportIntervalMs);
  const to = Date.now();

  const traces: LifeTrace[] = [...lives].map(([id, life]) => ({
    id,
    reports: life.reports,
    endedAt: life.endedAt,
  }));
  const analysis = analyzeSoak(traces, actions, { from, to });
  await Promise.all(tabs.filter((tab) => tab.alive).map((tab) => tab.page.close().catch(() => {})));

  const count = (kind: ActionKind, onLeader?: boolean) =>
    actions.filter(
      (action) => action.kind === kind && (onLeader === undefined || action.targetWasLeader === onLeader),
    ).length;
  const result: SoakResult = {
    seed: options.seed,
    tabs: options.tabs,
    durationMs: options.durationMs,
    startedAt,
    actions: {
      join: count('join'),
      leave: count('leave'),
      crash: count('crash'),
      reload: count('reload'),
      onLeader: { leave: count('leave', true), crash: count('crash', true), reload: count('reload', true) },
    },
    collateralCrashes,
    settled: { atStart: settledAtStart, atEnd: settledAtEnd },
    analysis,
  };
  return { result, trace: { lives: traces, actions, window: { from, to } } };
}

/** Picks and performs one action; returns its record (timed when it was issued). */
async function act(
  random: Random,
  options: SoakOptions,
  tabs: Tab[],
  openTab: () => Promise<void>,
  endLife: (tab: Tab, at: number) => void,
): Promise<ActionRecord> {
  const deficit = options.tabs - tabs.length;
  const canShrink = tabs.length > 2;
  const kind = weighted<ActionKind>(random, [
    // Joins win when tabs are missing, so the room hovers just below its size.
    ['join', deficit > 0 ? 2 + deficit : 0],
    ['leave', canShrink ? 1 : 0],
    ['crash', canShrink ? 1 : 0],
    ['reload', 1],
  ]);
  if (kind === 'join') {
    const at = Date.now();
    await openTab();
    return { at, kind, targetWasLeader: false };
  }
  const leader = tabs.find((tab) => tab.role === 'leader');
  const target =
    leader !== undefined && random() < (options.leaderBias ?? 0.5)
      ? leader
      : tabs[Math.floor(random() * tabs.length)]!;
  const record = { kind, targetId: target.id, targetWasLeader: target.role === 'leader' };
  const at = Date.now();
  if (kind === 'reload') {
    endLife(target, at);
    await target.page.reload();
  } else {
    target.alive = false;
    endLife(target, at);
    if (kind === 'crash') await crashTab(target.page);
    await target.page.close();
  }
  return { at, ...record };
}

/**
 * Waits until every live tab reports the same leader and term, with exactly one of them leading (polling the
 * pages, 100 ms apart); false after `timeoutMs`.
 */
async function settle(alive: () => Tab[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const states = await Promise.all(
      alive().map((tab) =>
        tab.page
          .evaluate(() => {
            const snapshot = (window as unknown as { conclave?: Room }).conclave?.snapshot();
            return (
              snapshot && {
                selfId: snapshot.selfId,
                role: snapshot.role,
                leaderId: snapshot.leaderId,
                term: snapshot.term,
              }
            );
          })
          .catch(() => undefined),
      ),
    );
    const leaders = states.filter((state) => state?.role === 'leader');
    if (
      leaders.length === 1 &&
      states.every((s) => s?.leaderId === leaders[0]!.selfId && s.term === leaders[0]!.term)
    )
      return true;
    await pause(100);
  }
  return false;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
