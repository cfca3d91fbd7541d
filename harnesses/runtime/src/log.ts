import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Secret-bearing fields are redacted as a backstop;
 * the code never passes session env values or API keys to the logger in the first place.
 */
export function createLogger(level = 'info'): Logger {
  return pino({
    name: 'harness-runtime',
    level,
    base: { service: 'harness-runtime' },
    redact: { paths: ['env', 'apiKey', '*.apiKey', 'authorization', '*.authorization', 'token'], censor: '[redacted]' },
  });
}
