import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger as GraphileLogger, run, type Runner } from 'graphile-worker';
import pg from 'pg';
import { loadAuthority } from '../egress/authority.ts';
import { startEgress, type Egress } from '../egress/service.ts';
import { EventWriter } from '../events/writer.ts';
import type { Platform } from '../platform/open.ts';
import { createSandboxDriver } from '../sandbox/drivers.ts';
import { SandboxService } from '../sandbox/service.ts';
import { runTurn } from '../turns/run-turn.ts';
import { recoverStaleTurns } from '../turns/recovery.ts';
import { JOBS, type RunTurnPayload } from './jobs.ts';
import { isDatabaseShutdown } from '../db/errors.ts';

export type Worker = { sandboxes: SandboxService; egress: Egress | null; close(): Promise<void> };

export type WorkerOptions = {
  /**
   * Also serve the egress proxy on a loopback TCP port and hand its URL to runtimes at
   * attach time: for sandboxes that share the host's network (tests).
   */
  egressLoopback?: boolean;
  /** Extra CAs the egress proxy trusts upstream when it intercepts TLS. */
  upstreamCa?: string[];
};

/**
 * The worker process: runs turns and housekeeping from the durable Postgres queue
 * (graphile-worker). Housekeeping jobs are enqueued on a timer with a job key, so
 * any number of workers share them without doubling up.
 */
export async function startWorker(platform: Platform, gateway: { baseUrl: string; apiKey: string }, opts: WorkerOptions = {}): Promise<Worker> {
  const { services } = platform;
  const { config } = services;
  const log = services.log.child({ component: 'worker' });
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const writer = new EventWriter(platform.databaseUrl, log);
  const authority = await loadAuthority(services.db, services.secrets);
  const driver = await createSandboxDriver(config, log, authority.certPem);
  // Local sandboxes leave through this worker's proxy on a Unix socket; Kubernetes
  // sandboxes through the egress Deployment (bin/egress.ts) at its Service address.
  const egress = driver.kind === 'local' ? await startEgress(services, gateway, { socketPath: config.egress.socketPath }, opts) : null;
  const loopback = egress && opts.egressLoopback ? await startEgress(services, gateway, { host: '127.0.0.1', port: 0 }, opts) : null;
  const caPem = authority.certPem;
  const proxyUrl = driver.kind === 'kubernetes' ? config.egress.url : loopback ? `http://${loopback.address}` : undefined;
  const sandboxes = new SandboxService({
    db: services.db,
    driver,
    secrets: services.secrets,
    agents: services.agents,
    harnesses: services.harnesses,
    config,
    log,
    settings: {
      provisionTimeoutMs: config.worker.provisionTimeoutMs,
      idleTimeoutMs: config.worker.idleTimeoutMs,
      gateway,
      egress: { socketPath: config.egress.socketPath, proxyUrl, caPem },
    },
  });
  const shutdown = new AbortController();
  const deps = { db: services.db, bus: services.bus, writer, sandboxes, log, workerId, shutdown: shutdown.signal };

  // Jobs hold no queue connection while they run; `max` only bounds the pool. The pool is
  // ours, not graphile-worker's: its error listener must outlive runner.stop(), since the
  // database may drop idle connections while the pool is still ending (Ctrl-C reaches the
  // embedded PostgreSQL too), and an 'error' with no listener would crash the process.
  const queuePool = new pg.Pool({ connectionString: platform.databaseUrl, max: config.worker.concurrency });
  queuePool.on('error', (error) => log[isDatabaseShutdown(error) ? 'debug' : 'warn']({ err: error }, 'queue connection error'));
  const runner: Runner = await run({
    pgPool: queuePool,
    concurrency: config.worker.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: new GraphileLogger((scope) => (level, message, meta) => {
      const quiet = isDatabaseShutdown(meta?.error) || isDatabaseShutdown({ message });
      const fn = quiet ? 'debug' : level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
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
  }).catch(async (error: unknown) => {
    await queuePool.end();
    throw error;
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
    egress: loopback ?? egress,
    async close() {
      clearInterval(timer);
      shutdown.abort();
      await runner.stop();
      await queuePool.end();
      await writer.close();
      await driver.close();
      await loopback?.close();
      await egress?.close();
    },
  };
}
