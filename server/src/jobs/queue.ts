import type { Db, Tx } from '../db/index.ts';

/**
 * The durable job queue (graphile-worker's tables in PostgreSQL), shared by the API,
 * which enqueues jobs in the same transaction as the rows they act on, and the worker,
 * which runs them. Job names, payloads and every statement on the queue live here.
 */
export const JOBS = {
  runTurn: 'run-turn',
  destroySandbox: 'destroy-sandbox',
  housekeeping: 'housekeeping',
  /** Denies a tool call still awaiting approval at its deadline. */
  expireApproval: 'expire-approval',
  /** Turns one event into a delivery per subscribed webhook; also enqueued by a database trigger on SessionEvent. */
  webhookFanout: 'webhook-fanout',
  webhookDeliver: 'webhook-deliver',
  /** Looks again whether a QUEUED schedule or trigger run can start. */
  automationRunRetry: 'automation-run-retry',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

export type JobPayloads = {
  'run-turn': { turnId: string };
  'destroy-sandbox': { sessionId: string };
  housekeeping: Record<string, never>;
  'expire-approval': { approvalId: string };
  'webhook-fanout': { sessionId: string; seq: number } | { scheduleRunId: string };
  'webhook-deliver': { deliveryId: string };
  'automation-run-retry': { kind: 'schedule' | 'trigger'; runId: string };
};

/** How often a failing job is tried before the queue gives up on it. */
export const MAX_ATTEMPTS: Record<JobName, number> = {
  'run-turn': 10,
  'destroy-sandbox': 5,
  // Scheduled again on a timer: a failed run is simply the next one.
  housekeeping: 1,
  'expire-approval': 10,
  'webhook-fanout': 25,
  // A delivery schedules its own retries (PADDOCK_WEBHOOK_RETRY_SECONDS); these cover a worker lost mid-attempt.
  'webhook-deliver': 3,
  'automation-run-retry': 5,
};

/** Enqueues a job inside the caller's transaction: it exists exactly when the transaction commits. */
export async function enqueue<J extends JobName>(tx: Pick<Tx, '$executeRaw'>, job: J, payload: JobPayloads[J], opts: { runAt?: Date } = {}): Promise<void> {
  if (opts.runAt) {
    await tx.$executeRaw`SELECT graphile_worker.add_job(${job}, ${JSON.stringify(payload)}::json, run_at := ${opts.runAt}::timestamptz, max_attempts := ${MAX_ATTEMPTS[job]}::int)`;
  } else {
    await tx.$executeRaw`SELECT graphile_worker.add_job(${job}, ${JSON.stringify(payload)}::json, max_attempts := ${MAX_ATTEMPTS[job]}::int)`;
  }
}

/** A run-turn job whose turn has ended is moot; its lock is released after this long. */
const FINISHED_TURN_LOCK_SECONDS = 10;
/** Other jobs are short; one still locked after this long belongs to a dead worker. */
const OTHER_JOB_LOCK_SECONDS = 15 * 60;

/**
 * Releases job locks held by workers that died (SIGKILL, lost node) or could not record
 * a job's completion (the database was away at that moment), so the queue does not wait
 * for its 4-hour lock expiry. A run-turn job is stale once its turn has ended; released,
 * it is picked up again, finds its turn no longer QUEUED and completes at once.
 * Returns the queue worker ids whose locks were released.
 */
export async function releaseStaleJobLocks(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ lockedBy: string }[]>`
    SELECT DISTINCT j.locked_by AS "lockedBy"
    FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks k ON k.id = j.task_id
    LEFT JOIN "Turn" t ON k.identifier = ${JOBS.runTurn} AND t.id::text = j.payload->>'turnId'
    WHERE j.locked_by IS NOT NULL AND (
      (k.identifier = ${JOBS.runTurn} AND j.locked_at < now() - make_interval(secs => ${FINISHED_TURN_LOCK_SECONDS})
        AND (t.id IS NULL OR t.status NOT IN ('QUEUED', 'RUNNING')))
      OR (k.identifier <> ${JOBS.runTurn} AND j.locked_at < now() - make_interval(secs => ${OTHER_JOB_LOCK_SECONDS}))
    )`;
  const ids = rows.map((r) => r.lockedBy);
  if (ids.length > 0) await db.$executeRaw`SELECT graphile_worker.force_unlock_workers(${ids}::text[])`;
  return ids;
}
