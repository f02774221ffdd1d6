import { type Logger, pino } from 'pino';
import type { LogLevel } from './options';

/** Structured JSON logs on stdout; `silent` in tests. */
export function createLogger(level: LogLevel): Logger {
  return pino({ name: 'conclave-signaling', level });
}
