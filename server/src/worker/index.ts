import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger as GraphileLogger, run, type Runner, type TaskList } from 'graphile-worker';
import { createDb } from '../db/index.ts';
import { EventWriter } from '../events/writer.ts';
import type { Platform } from '../platform/open.ts';
import { createSandboxDriver } from '../sandbox/drivers.ts';
import { SandboxService } from '../sandbox/service.ts';
import { runTurn } from '../turns/run-turn.ts';
import { recoverStaleTurns } from '../turns/recovery.ts';
import { JOBS, type RunTurnPayload } from './jobs.ts';
import { releaseStaleJobLocks } from './queue.ts';

export type Worker = { sandboxes: SandboxService; close(): Promise<void> };

const RUNNER_RESTART_MS = 1_000;

/**
 * Database connections a worker keeps for its turns. A turn touches the database in
 * bursts (claim, message rows, its end) and holds no connection while it streams, so a
 * quarter of the concurrency keeps claims under a burst from waiting long.
 */
export function workerPoolSize(concurrency: number, configured: number): number {
  return Math.max(configured, Math.ceil(concurrency / 4));
}

/**
 * The worker process: runs turns and housekeeping from the durable Postgres queue
 * (graphile-worker). Housekeeping jobs are enqueued on a timer with a job key, so
 * any number of workers share them without doubling up. Should the queue's runner
 * stop on its own (its database went away), it is started again.
 */
export async function startWorker(platform: Platform, gateway: { baseUrl: string; apiKey: string }): Promise<Worker> {
  const { services } = platform;
  const { config } = services;
  const log = services.log.child({ component: 'worker' });
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const db = createDb(platform.databaseUrl, { poolSize: workerPoolSize(config.worker.concurrency, config.dbPoolSize) });
  const writer = new EventWriter(platform.databaseUrl, services.bus, log);
  const driver = await createSandboxDriver(config, log);
  const sandboxes = new SandboxService({
    db,
    driver,
    secrets: services.secrets,
    agents: services.agents,
    harnesses: services.harnesses,
    config,
    log,
    settings: { provisionTimeoutMs: config.worker.provisionTimeoutMs, idleTimeoutMs: config.worker.idleTimeoutMs, gateway },
  });
  const shutdown = new AbortController();
  const deps = {
    db,
    bus: services.bus,
    writer,
    sandboxes,
    log,
    workerId,
    shutdown: shutdown.signal,
    streamIdleTimeoutMs: config.worker.streamIdleTimeoutMs,
    heartbeatMs: Math.min(5_000, config.worker.staleTurnMs / 3),
  };

  const taskList: TaskList = {
    [JOBS.runTurn]: async (payload) => runTurn((payload as RunTurnPayload).turnId, deps),
    [JOBS.destroySandbox]: async (payload) => sandboxes.destroy((payload as { sessionId: string }).sessionId),
    [JOBS.housekeeping]: async () => {
      const stale = await recoverStaleTurns({ ...services, db }, config.worker.staleTurnMs);
      const unlocked = await releaseStaleJobLocks(db);
      const suspended = await sandboxes.suspendIdle();
      for (const sessionId of suspended) await services.sessions.markSuspended(sessionId);
      const reconciled = await sandboxes.reconcile();
      if (stale.length || unlocked.length || suspended.length || reconciled.removed.length || reconciled.vanished.length) {
        log.info({ stale, unlocked, suspended, ...reconciled }, 'housekeeping');
      }
    },
  };
  const logger = new GraphileLogger((scope) => (level, message, meta) => {
    const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[fn]({ scope, meta }, message);
  });

  let closing = false;
  const startRunner = async (): Promise<Runner> => {
    const started = await run({
      connectionString: platform.databaseUrl,
      concurrency: config.worker.concurrency,
      // Jobs hold no queue connection while they run; this only bounds the pool.
      maxPoolSize: config.worker.concurrency,
      noHandleSignals: true,
      pollInterval: 1_000,
      logger,
      taskList,
      // Batched completion is tracked, so stopping waits until every finished job is
      // recorded (no lock left behind), and a failed write reaches the runner instead of
      // an unhandled rejection; the runner then stops and is started again.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });
    started.promise.then(
      () => restart(null),
      (error: unknown) => restart(error),
    );
    return started;
  };
  let runner = await startRunner();
  function restart(error: unknown) {
    if (closing) return;
    log.error({ err: error }, 'the job runner stopped; starting it again');
    const attempt = () => {
      if (closing) return;
      startRunner().then(
        (next) => {
          runner = next;
        },
        (failure: unknown) => {
          log.warn({ err: failure }, 'could not start the job runner; retrying');
          setTimeout(attempt, RUNNER_RESTART_MS * 2).unref();
        },
      );
    };
    setTimeout(attempt, RUNNER_RESTART_MS).unref();
  }

  const schedule = () =>
    runner.addJob(JOBS.housekeeping, {}, { jobKey: JOBS.housekeeping, jobKeyMode: 'preserve_run_at', maxAttempts: 1 }).catch((error: unknown) => {
      log.warn({ err: error }, 'could not schedule housekeeping');
    });
  await schedule();
  const timer = setInterval(() => void schedule(), config.worker.housekeepingIntervalMs);
  log.info({ workerId, driver: driver.kind, concurrency: config.worker.concurrency }, 'worker started');

  return {
    sandboxes,
    /**
     * Drains: takes no new jobs, lets running turns finish for up to the shutdown grace
     * period, then ends the rest FAILED. Every job is completed, so no lock is left behind.
     */
    async close() {
      closing = true;
      clearInterval(timer);
      const grace = setTimeout(() => {
        log.warn({ graceMs: config.worker.shutdownGraceMs }, 'shutdown grace period over; ending running turns');
        shutdown.abort();
      }, config.worker.shutdownGraceMs);
      try {
        await runner.stop();
      } catch (error) {
        log.warn({ err: error }, 'the job runner did not stop cleanly');
      } finally {
        clearTimeout(grace);
        shutdown.abort();
      }
      await writer.close();
      await driver.close();
      await db.$disconnect();
    },
  };
}
