import type { Db } from '../db/index.ts';
import { JOBS } from './jobs.ts';

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
