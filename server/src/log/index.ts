import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; `PADDOCK_LOG_LEVEL` tunes verbosity. */
export function createLogger(name: string, level = process.env.PADDOCK_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}
