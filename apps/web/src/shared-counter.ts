import type { Room } from '@conclave/mesh';
import { NotLeaderError, type SharedValue } from '@conclave/shared-work';
import * as z from 'zod/mini';

/** The shared value's name, and the schema every tab validates it with (one object: the same on every claim). */
export const counterName = 'counter';
export const counterSchema = z.int().check(z.minimum(0));
/** How often the leader counts. */
export const counterTickMs = 500;

/** The RPC method the leader answers with who it is. */
export const whoamiMethod = 'whoami';
/** The leader's answer to {@link whoamiMethod}; it crosses the mesh, so the caller validates it. */
export const whoamiAnswerSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  term: z.int().check(z.minimum(0)),
});
export type WhoamiAnswer = z.infer<typeof whoamiAnswerSchema>;

/** The room's shared counter (the same handle on every call). */
export function sharedCounter(room: Room): SharedValue<number> {
  return room.shared(counterName, { schema: counterSchema });
}

/**
 * The demo's shared work, registered on every tab (whoever leads does it): while leading, count up every
 * {@link counterTickMs} from the newest value any tab held, each publish fenced by the leadership's term;
 * and answer {@link whoamiMethod}. Returns the function that unregisters both.
 */
export function startSharedCounter(room: Room): () => void {
  const counter = sharedCounter(room);
  const stopTask = room.runWhileLeader(({ signal, term }) => {
    const timer = setInterval(() => {
      try {
        counter.publish((counter.get()?.value ?? 0) + 1, { term });
      } catch (error) {
        // The fence held: this leadership is over and the abort is on its way. Anything else is a bug.
        if (!(error instanceof NotLeaderError)) throw error;
      }
    }, counterTickMs);
    signal.addEventListener('abort', () => clearInterval(timer));
  });
  const stopServing = room.serve(
    whoamiMethod,
    (_args: unknown, { term }): WhoamiAnswer => ({ id: room.id, term }),
  );
  return () => {
    stopTask();
    stopServing();
  };
}
