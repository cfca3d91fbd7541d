import cluster from 'node:cluster';
import type { Logger } from '../log/index.ts';

const RESTART_DELAY_MS = 1_000;

/**
 * Runs `count` copies of this entrypoint sharing one listening port, so the API can
 * use every core. Crashed copies are restarted; SIGTERM/SIGINT stop them all.
 */
export function runPrimary(count: number, log: Logger): void {
  let stopping = false;
  const fork = () =>
    cluster.fork().on('exit', (code, signal) => {
      if (stopping) return;
      log.error({ code, signal }, 'API process exited; restarting it');
      setTimeout(fork, RESTART_DELAY_MS);
    });
  for (let i = 0; i < count; i++) fork();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping API processes');
    const workers = Object.values(cluster.workers ?? {});
    for (const worker of workers) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
