/**
 * Prints the merged timeline of every tab around one harness action of a `--trace` run, e.g.
 *   npx tsx bench/trace-timeline.ts bench/results/trace-2026-11-23.json --rep conclave-8-2 --action "close leader"
 * (two-browser repetitions are `conclave-cross-<tabs>-<rep>`; their network cut is the action "cut leader").
 * Times are ms after the action; tabs are named t<index>; link reports are left out.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const timelineEntry = z.looseObject({
  at: z.number(),
  source: z.string(),
  type: z.string(),
  reason: z.string().optional(),
  peer: z.string().optional(),
  leaderId: z.string().optional(),
  term: z.number().optional(),
});
const sentMessage = z.looseObject({ at: z.number(), text: z.string().optional() });
const tabData = z.looseObject({
  timeline: z.unknown().optional(),
  sends: z.unknown().optional(),
});
const repetitionTrace = z.looseObject({
  tabs: z.array(z.looseObject({ index: z.number(), selfId: z.string().optional() }).and(tabData)),
  actions: z.array(z.object({ at: z.number(), action: z.string() })),
  checkpoints: z.array(z.object({ label: z.string(), tabs: z.record(z.string(), tabData) })),
});
const traceFile = z.record(z.string(), repetitionTrace);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rep: { type: 'string' },
    action: { type: 'string', default: 'close leader' },
    window: { type: 'string', default: '300' },
  },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: trace-timeline.ts <trace.json> [--rep id] [--action prefix] [--window ms]\n');
  process.exit(2);
}
const windowMs = Number(values.window);
const traces = traceFile.parse(JSON.parse(readFileSync(file, 'utf8')));

for (const [id, trace] of Object.entries(traces)) {
  if (values.rep && id !== values.rep) continue;
  const action = trace.actions.find((candidate) => candidate.action.startsWith(values.action ?? ''));
  if (!action) continue;
  const t0 = action.at;
  const name = (peer: string | undefined) => {
    const tab = trace.tabs.find((candidate) => candidate.selfId === peer);
    return tab ? `t${tab.index}` : (peer?.slice(0, 6) ?? '?');
  };
  const rows = new Map<string, [number, string]>();
  const sources: [string, z.infer<typeof tabData>][] = [
    ...trace.checkpoints.flatMap((checkpoint) => Object.entries(checkpoint.tabs)),
    ...trace.tabs.map((tab): [string, z.infer<typeof tabData>] => [String(tab.index), tab]),
  ];
  for (const [index, data] of sources) {
    const timeline = z.array(timelineEntry).safeParse(data.timeline);
    for (const e of timeline.success ? timeline.data : []) {
      if (e.at < t0 - 50 || e.at - t0 > windowMs) continue;
      const text =
        `${e.source}:${e.type}${e.reason ? `(${e.reason})` : ''}${e.peer ? ` peer=${name(e.peer)}` : ''}` +
        `${e.leaderId ? ` leader=${name(e.leaderId)}` : ''}${e.term !== undefined ? ` term=${e.term}` : ''}`;
      rows.set(`${index}|${e.at}|${text}`, [e.at - t0, `t${index} ${text}`]);
    }
    // The same send appears in every later checkpoint: count copies per source and keep the largest count.
    const sends = z.array(sentMessage).safeParse(data.sends);
    const copies = new Map<string, { at: number; text: string; n: number }>();
    for (const s of sends.success ? sends.data : []) {
      if (s.at < t0 - 50 || s.at - t0 > windowMs || !s.text || s.text.includes('"ch":"links"')) continue;
      const text = s.text
        .replace(/"sender":"(\w+)"/, (_m, peer: string) => `"sender":${name(peer)}`)
        .slice(0, 110);
      const key = `${index}|${s.at}|${text}`;
      const entry = copies.get(key) ?? { at: s.at, text, n: 0 };
      entry.n += 1;
      copies.set(key, entry);
    }
    for (const [key, { at, text, n }] of copies) {
      const shown = `t${index} SEND${n > 1 ? ` ×${n}` : ''} ${text}`;
      const previous = rows.get(key)?.[1];
      if (!previous || previous.length < shown.length) rows.set(key, [at - t0, shown]);
    }
  }
  process.stdout.write(`== ${id}: ${action.action}\n`);
  for (const [at, text] of [...rows.values()].sort((a, b) => a[0] - b[0])) {
    process.stdout.write(`${at.toFixed(1).padStart(8)}  ${text}\n`);
  }
}
