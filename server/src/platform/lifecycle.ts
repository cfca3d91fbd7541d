import { isTransientDbError } from '../db/errors.ts';
import type { Logger } from '../log/index.ts';

/**
 * Keeps a failing dependency from taking the process down. Libraries sometimes leave a
 * rejected promise or an 'error' event nobody handles when the database goes away (the
 * job queue's own bookkeeping does); those are logged and the process carries on, since
 * every Paddock component retries its own work. Anything else uncaught is a bug: it is
 * logged and the process exits, to be restarted clean.
 */
export function guardProcess(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled promise rejection (ignored; the work it belonged to is retried)');
  });
  process.on('uncaughtException', (error) => {
    if (isTransientDbError(error)) {
      log.error({ err: error }, 'uncaught database connection error (ignored; connections are re-established)');
      return;
    }
    log.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}

/**
 * Runs `stop` once on SIGTERM/SIGINT, then exits. A second signal, or a stop that
 * hangs past the grace period, exits at once.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>, graceMs = 15_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
