import { pino, type Logger } from 'pino';
import { logLevel } from '../config/index.ts';

export type { Logger };

/**
 * Structured JSON logs, on stdout for the platform's processes. Commands whose stdout
 * is their output (the CLI) log to stderr instead.
 */
export function createLogger(name: string, level: string = logLevel(), to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = { name, level, base: { service: name } };
  return to === 'stderr' ? pino(options, pino.destination({ fd: 2 })) : pino(options);
}
