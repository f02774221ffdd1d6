import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../src/keyed-mutex';

describe('KeyedMutex', () => {
  it('never overlaps two tasks of one key, runs them in arrival order, and survives failures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), fails: fc.boolean(), yields: fc.nat(3) })),
        async (tasks) => {
          const mutex = new KeyedMutex();
          const running = new Set<string>();
          const order: Record<string, number[]> = {};
          const results = tasks.map((task, index) =>
            mutex.run(task.key, async () => {
              expect(running.has(task.key)).toBe(false);
              running.add(task.key);
              order[task.key] ??= [];
              order[task.key]!.push(index);
              for (let n = 0; n < task.yields; n++) await Promise.resolve();
              running.delete(task.key);
              if (task.fails) throw new Error(`task ${index}`);
              return index;
            }),
          );
          const settled = await Promise.allSettled(results);
          settled.forEach((outcome, index) => {
            expect(outcome.status).toBe(tasks[index]?.fails ? 'rejected' : 'fulfilled');
          });
          for (const indices of Object.values(order)) {
            expect(indices).toEqual([...indices].sort((x, y) => x - y));
          }
        },
      ),
    );
  });
});
