import type { Page } from '@playwright/test';
import type { ConclaveWindow } from './room-probe';

/**
 * Partitions the tabs: every tab cuts every tab outside its own group (`groups` are lists of indexes into
 * `pages` and must cover each tab once). Links stay up; only the election's view and traffic are cut.
 *
 * A real split happens at one instant, but the tabs apply faults one after another. If some tabs cut
 * before the rest, a side can elect and its declaration can still reach the other side through a tab that
 * has not cut yet (the sitting leader then hears a rival and its term rises). So the split comes in two
 * steps: first every tab goes deaf to the other side (nothing crosses any more, views unchanged), then every
 * tab cuts it (the views shrink and the sides elect).
 */
export async function partition(
  pages: readonly Page[],
  ids: readonly string[],
  groups: readonly (readonly number[])[],
): Promise<void> {
  const covered = groups.flat().sort((a, b) => a - b);
  if (covered.length !== pages.length || covered.some((index, i) => index !== i)) {
    throw new Error(`groups ${JSON.stringify(groups)} must cover tabs 0..${pages.length - 1} once`);
  }
  const outsideOf = (group: readonly number[]) => ids.filter((_, index) => !group.includes(index));
  await Promise.all(
    groups.flatMap((group) => group.map((index) => deafToAll(pages[index]!, outsideOf(group)))),
  );
  await Promise.all(groups.flatMap((group) => group.map((index) => cut(pages[index]!, outsideOf(group)))));
}

/** This tab drops everything that arrives from each of `peers`, keeping them in its view. */
async function deafToAll(page: Page, peers: readonly string[]): Promise<void> {
  await page.evaluate((peers) => {
    const injector = (window as ConclaveWindow).conclave?.faults;
    if (injector === undefined) throw new Error('no fault injector: open the page with ?test=1');
    for (const peer of peers) injector.deafTo(peer);
  }, peers);
}

/** This tab cuts each of `peers` (both directions, from its side). */
export async function cut(page: Page, peers: readonly string[]): Promise<void> {
  await page.evaluate((peers) => {
    const injector = (window as ConclaveWindow).conclave?.faults;
    if (injector === undefined) throw new Error('no fault injector: open the page with ?test=1');
    for (const peer of peers) injector.cut(peer);
  }, peers);
}

/** This tab drops everything that arrives from `peer`, and still sends to it (asymmetric loss). */
export async function deafTo(page: Page, peer: string): Promise<void> {
  await page.evaluate((peer) => {
    const injector = (window as ConclaveWindow).conclave?.faults;
    if (injector === undefined) throw new Error('no fault injector: open the page with ?test=1');
    injector.deafTo(peer);
  }, peer);
}

/** Every tab undoes every fault. */
export async function healAll(pages: readonly Page[]): Promise<void> {
  await Promise.all(
    pages.map((page) =>
      page.evaluate(() => {
        const injector = (window as ConclaveWindow).conclave?.faults;
        if (injector === undefined) throw new Error('no fault injector: open the page with ?test=1');
        injector.heal();
      }),
    ),
  );
}

/**
 * Sends each text as is over this tab's data channel to each peer (the fault injector's `rawSend`); returns
 * how many were sent. Fails if any could not be sent, so a test never counts drops of messages that never left.
 */
export async function rawSendAll(
  page: Page,
  peers: readonly string[],
  texts: readonly string[],
): Promise<number> {
  const unsent = await page.evaluate(
    ({ peers, texts }) => {
      const injector = (window as ConclaveWindow).conclave?.faults;
      if (injector === undefined) throw new Error('no fault injector: open the page with ?test=1');
      const failed: string[] = [];
      for (const peer of peers)
        for (const [n, text] of texts.entries())
          if (!injector.rawSend(peer, text)) failed.push(`${peer}#${n}`);
      return failed;
    },
    { peers, texts },
  );
  if (unsent.length > 0) throw new Error(`rawSend failed for ${unsent.slice(0, 5).join(', ')}`);
  return peers.length * texts.length;
}
