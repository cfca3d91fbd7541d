import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger as GraphileLogger, run, type Runner } from 'graphile-worker';
import { EventWriter } from '../events/writer.ts';
import type { Platform } from '../platform/open.ts';
import type { SandboxDriver } from '../sandbox/driver.ts';
import { createSandboxDriver } from '../sandbox/drivers.ts';
import { SandboxService } from '../sandbox/service.ts';
import { runTurn } from '../turns/run-turn.ts';
import { recoverStaleTurns } from '../turns/recovery.ts';
import { JOBS, type RunTurnPayload } from './jobs.ts';

export type Worker = { sandboxes: SandboxService; close(): Promise<void> };

/**
 * The worker process: runs turns and housekeeping from the durable Postgres queue
 * (graphile-worker). Housekeeping jobs are enqueued on a timer with a job key, so
 * any number of workers share them without doubling up.
 */
export async function startWorker(platform: Platform, gateway: { baseUrl: string; apiKey: string }, options: { driver?: SandboxDriver } = {}): Promise<Worker> {
  const { services } = platform;
  const { config } = services;
  const log = services.log.child({ component: 'worker' });
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const writer = new EventWriter(platform.databaseUrl, log);
  const driver = options.driver ?? (await createSandboxDriver(config, log));
  const sandboxes = new SandboxService({
    db: services.db,
    driver,
    secrets: services.secrets,
    agents: services.agents,
    harnesses: services.harnesses,
    config,
    log,
    settings: { provisionTimeoutMs: config.worker.provisionTimeoutMs, idleTimeoutMs: config.worker.idleTimeoutMs, gateway },
  });
  const shutdown = new AbortController();
  const deps = { db: services.db, bus: services.bus, writer, sandboxes, log, workerId, shutdown: shutdown.signal };

  const runner: Runner = await run({
    connectionString: platform.databaseUrl,
    concurrency: config.worker.concurrency,
    // Jobs hold no queue connection while they run; this only bounds the pool.
    maxPoolSize: config.worker.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: new GraphileLogger((scope) => (level, message, meta) => {
      const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
      log[fn]({ scope, meta }, message);
    }),
    taskList: {
      [JOBS.runTurn]: async (payload) => runTurn((payload as RunTurnPayload).turnId, deps),
      [JOBS.destroySandbox]: async (payload) => sandboxes.destroy((payload as { sessionId: string }).sessionId),
      [JOBS.housekeeping]: async () => {
        const stale = await recoverStaleTurns(services, config.worker.staleTurnMs);
        const suspended = await sandboxes.suspendIdle();
        for (const sessionId of suspended) await services.sessions.markSuspended(sessionId);
        const reconciled = await sandboxes.reconcile();
        if (stale.length || suspended.length || reconciled.removed.length || reconciled.vanished.length) {
          log.info({ stale, suspended, ...reconciled }, 'housekeeping');
        }
      },
    },
  });

  const schedule = () =>
    runner.addJob(JOBS.housekeeping, {}, { jobKey: JOBS.housekeeping, jobKeyMode: 'preserve_run_at', maxAttempts: 1 }).catch((error: unknown) => {
      log.warn({ err: error }, 'could not schedule housekeeping');
    });
  await schedule();
  const timer = setInterval(schedule, config.worker.housekeepingIntervalMs);
  log.info({ workerId, driver: driver.kind, concurrency: config.worker.concurrency }, 'worker started');

  return {
    sandboxes,
    async close() {
      clearInterval(timer);
      shutdown.abort();
      await runner.stop();
      await writer.close();
      await driver.close();
    },
  };
}
