import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Logger as GraphileLogger, run, type Runner, type Task, type TaskList } from 'graphile-worker';
import pg from 'pg';
import { ConfigError } from '../config/index.ts';
import { createDb, sqlPool } from '../db/index.ts';
import { isDatabaseShutdown } from '../db/errors.ts';
import { runExclusive } from '../db/exclusive.ts';
import { loadAuthority } from '../egress/authority.ts';
import { startEgress, type Egress } from '../egress/service.ts';
import { EventWriter } from '../events/writer.ts';
import { applyRetention } from '../history/retention.ts';
import type { Platform } from '../platform/open.ts';
import { createSandboxDriver } from '../sandbox/drivers.ts';
import { SandboxService } from '../sandbox/service.ts';
import { runTurn } from '../turns/run-turn.ts';
import { recoverStaleTurns } from '../turns/recovery.ts';
import { JOBS, MAX_ATTEMPTS, releaseStaleJobLocks, type JobPayloads } from '../jobs/queue.ts';
import { metrics } from '../telemetry/metrics.ts';
import { automationTasks, startScheduler } from '../automations/worker.ts';

export type Worker = { sandboxes: SandboxService; egress: Egress | null; close(): Promise<void> };

export type WorkerOptions = {
  /** Extra CAs the egress proxy trusts upstream when it intercepts TLS. */
  upstreamCa?: string[];
};

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
export async function startWorker(platform: Platform, gateway: { baseUrl: string; apiKey: string }, opts: WorkerOptions = {}): Promise<Worker> {
  const { services } = platform;
  const { config } = services;
  const log = services.log.child({ component: 'worker' });
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const db = createDb(platform.databaseUrl, { poolSize: workerPoolSize(config.worker.concurrency, config.dbPoolSize) });
  const writer = new EventWriter(platform.databaseUrl, services.bus, log);
  const authority = await loadAuthority(services.db, services.secrets);
  const driver = await createSandboxDriver(config, log, authority.certPem);
  // Local sandboxes leave through this worker's proxy on a Unix socket; Kubernetes
  // sandboxes through the egress Deployment (bin/egress.ts) at its Service address.
  // One socket path across restarts: local sandboxes see its directory, so a sandbox that
  // outlived a worker reaches the next one's proxy.
  const egressSocket = config.egress.socketPath;
  if (driver.kind === 'local') await prepareSocketDir(egressSocket);
  const egress = driver.kind === 'local' ? await startEgress(services, gateway, { socketPath: egressSocket }, opts) : null;
  const proxyUrl = driver.kind === 'kubernetes' ? config.egress.url : undefined;
  const sandboxes = new SandboxService({
    db,
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
      egress: { socketPath: egressSocket, proxyUrl, caPem: authority.certPem },
      warmPoolSize: config.worker.localWarmPool,
    },
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
    approvals: services.approvals,
    prices: services.prices,
  };

  const tasks: TaskList = {
    ...automationTasks(services),
    [JOBS.runTurn]: async (payload) => runTurn((payload as JobPayloads['run-turn']).turnId, deps),
    [JOBS.destroySandbox]: async (payload) => sandboxes.destroy((payload as JobPayloads['destroy-sandbox']).sessionId),
    [JOBS.expireApproval]: async (payload) => services.approvals.expire((payload as JobPayloads['expire-approval']).approvalId),
    [JOBS.housekeeping]: async () => {
      // A run slower than the period (a busy database) must not overlap the next one.
      const ran = await runExclusive(sqlPool(db), JOBS.housekeeping, housekeeping);
      if (!ran) log.debug('housekeeping skipped: the previous run is still under way');
    },
  };
  async function housekeeping() {
    const stale = await recoverStaleTurns({ ...services, db }, config.worker.staleTurnMs);
    const unlocked = await releaseStaleJobLocks(db);
    const suspended = await sandboxes.suspendIdle();
    for (const sessionId of suspended) await services.sessions.markSuspended(sessionId);
    const reconciled = await sandboxes.reconcile();
    await applyRetention(sqlPool(db), log, {
      // What retention removed is on the team's audit log, as the housekeeping's doing (no key).
      onApplied: ({ teamId, ...detail }) => services.audit.record({ action: 'retention.apply', outcome: 'SUCCESS', teamId, detail }),
    });
    if (stale.length || unlocked.length || suspended.length || reconciled.removed.length || reconciled.vanished.length) {
      log.info({ stale, unlocked, suspended, ...reconciled }, 'housekeeping');
    }
    if (config.audit.retentionDays > 0) {
      const purged = await services.audit.purgeOlderThan(config.audit.retentionDays);
      if (purged > 0) log.info({ purged, retentionDays: config.audit.retentionDays }, 'audit entries past retention deleted');
    }
  }
  // Every job reports how long it waited past the moment it could have run.
  const taskList: TaskList = Object.fromEntries(
    Object.entries(tasks).map(([name, task]): [string, Task] => [
      name,
      (payload, helpers) => {
        const waited = Date.now() - new Date(helpers.job.run_at).getTime();
        if (Number.isFinite(waited)) metrics.jobWait.observe({ task: name }, Math.max(0, waited) / 1000);
        return (task as Task)(payload, helpers);
      },
    ]),
  );
  quietDatabaseShutdownTraces();
  const logger = new GraphileLogger((scope) => (level, message, meta) => {
    const quiet = isDatabaseShutdown(meta?.error) || isDatabaseShutdown({ message });
    const fn = quiet ? 'debug' : level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[fn]({ scope, meta }, message);
  });
  // Jobs hold no queue connection while they run; `max` only bounds the pool. The pool is
  // ours, not graphile-worker's: its error listeners must outlive runner.stop(), since the
  // database may drop idle connections while the pool is still ending (Ctrl-C reaches the
  // embedded PostgreSQL too), and an 'error' with no listener would crash the process.
  const onQueueError = (error: Error) => log[isDatabaseShutdown(error) ? 'debug' : 'warn']({ err: error }, 'queue connection error');
  const queuePool = new pg.Pool({ connectionString: platform.databaseUrl, max: config.worker.concurrency });
  queuePool.on('error', onQueueError);
  queuePool.on('connect', (client) => client.on('error', onQueueError));

  let closing = false;
  const startRunner = async (): Promise<Runner> => {
    const started = await run({
      pgPool: queuePool,
      concurrency: config.worker.concurrency,
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
  let runner = await startRunner().catch(async (error: unknown) => {
    await queuePool.end();
    throw error;
  });
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
    runner
      .addJob(JOBS.housekeeping, {}, { jobKey: JOBS.housekeeping, jobKeyMode: 'preserve_run_at', maxAttempts: MAX_ATTEMPTS.housekeeping })
      .catch((error: unknown) => {
        log.warn({ err: error }, 'could not schedule housekeeping');
      });
  await schedule();
  const timer = setInterval(() => void schedule(), config.worker.housekeepingIntervalMs);
  const scheduler = startScheduler(services, log);
  void sandboxes.prewarm().catch((error: unknown) => log.warn({ err: error }, 'could not start warm sandboxes'));
  log.info(
    { workerId, driver: driver.kind, concurrency: config.worker.concurrency, warmPool: sandboxes.warm ? config.worker.localWarmPool : 0 },
    'worker started',
  );

  return {
    sandboxes,
    egress,
    /**
     * Drains: takes no new jobs, lets running turns finish for up to the shutdown grace
     * period, then ends the rest FAILED. Every job is completed, so no lock is left behind.
     */
    async close() {
      closing = true;
      clearInterval(timer);
      await scheduler.close();
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
      await queuePool.end();
      await writer.close();
      await sandboxes.close();
      await driver.close();
      await egress?.close();
      await db.$disconnect();
    },
  };
}

/**
 * The egress socket's directory is visible (read-only) inside every local sandbox, so it
 * must hold nothing but the socket.
 */
async function prepareSocketDir(socketPath: string): Promise<void> {
  const dir = path.dirname(socketPath);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const others = (await readdir(dir)).filter((name) => name !== path.basename(socketPath));
  if (others.length > 0) {
    throw new ConfigError(
      `PADDOCK_EGRESS_SOCKET must be in a directory of its own (local sandboxes see that directory), but ${dir} also holds ${others.slice(0, 3).join(', ')}.`,
    );
  }
}

let tracesQuieted = false;

/**
 * graphile-worker prints the error a pool worker stopped on with console.trace as well as
 * through its logger (which reports it above). A database shutting down while the runner
 * stops is expected (Ctrl-C reaches the embedded PostgreSQL too) and must not print a
 * stack; any other trace still does.
 */
function quietDatabaseShutdownTraces(): void {
  if (tracesQuieted) return;
  tracesQuieted = true;
  const trace = console.trace.bind(console);
  console.trace = (...args: unknown[]) => {
    if (args.length === 1 && isDatabaseShutdown(args[0])) return;
    trace(...args);
  };
}
