import type { Room } from '@conclave/mesh';
import { type CallHandler, type LeaderTask, NotLeaderError, type SharedValue } from '@conclave/shared-work';
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
 * The demo's counting, registered on every tab (whoever leads runs it): while leading, count up every
 * {@link counterTickMs} from the newest value any tab held, each publish fenced by the leadership's term.
 */
export function countWhileLeading(room: Room): LeaderTask {
  const counter = sharedCounter(room);
  return ({ signal, term }) => {
    const timer = setInterval(() => {
      try {
        counter.publish((counter.get()?.value ?? 0) + 1, { term });
      } catch (error) {
        // The fence held: this leadership is over and the abort is on its way. Anything else is a bug.
        if (!(error instanceof NotLeaderError)) throw error;
      }
    }, counterTickMs);
    signal.addEventListener('abort', () => clearInterval(timer));
  };
}

/** The leader's answer to {@link whoamiMethod}: its id and the term it leads in. */
export function answerWhoami(room: Pick<Room, 'selfId'>): CallHandler<unknown, WhoamiAnswer> {
  return (_args, { term }) => ({ id: room.selfId, term });
}
