/** IPC between the bench orchestrator (run.ts), the server process and the client workers. */

export type ServerRequest = { type: 'measure' } | { type: 'close' };

/** Event-loop delay of the server process since the previous measurement (perf_hooks histogram). */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
export type ServerReport =
  | { type: 'listening'; url: string }
  | { type: 'measured'; rssBytes: number; heapUsedBytes: number; cpuMicros: number; loopDelay: LoopDelay }
  | { type: 'closed' };

export type WorkerRequest =
  | { type: 'setup'; url: string; rooms: string[]; roomSize: number; concurrency: number }
  | { type: 'run'; signalsPerSecond: number; durationMs: number; payloadBytes: number }
  | { type: 'close' };

export type WorkerReport =
  | { type: 'ready'; connectMs: number[]; failures: number }
  | {
      type: 'done';
      latenciesMs: number[];
      sent: number;
      rejected: Record<string, number>;
      lost: number;
    };
