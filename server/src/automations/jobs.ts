import type { Prisma } from '../db/index.ts';
import { JOBS, MAX_ATTEMPTS, type JobPayloads } from '../jobs/queue.ts';

/**
 * The automations' statements on the job queue (names, payloads and attempts are in
 * jobs/queue.ts): delayed jobs with a job key, so one run or delivery has one pending job.
 */
export type FanoutPayload = JobPayloads['webhook-fanout'];
export type DeliverPayload = JobPayloads['webhook-deliver'];
export type RunRetryPayload = JobPayloads['automation-run-retry'];

type Exec = Pick<Prisma.TransactionClient, '$executeRaw'>;

export async function enqueueRunRetry(db: Exec, kind: RunRetryPayload['kind'], runId: string, delayMs: number): Promise<void> {
  await db.$executeRaw`SELECT graphile_worker.add_job(${JOBS.automationRunRetry}, json_build_object('kind', ${kind}::text, 'runId', ${runId}::text),
    run_at := now() + make_interval(secs => ${delayMs / 1000}::float8), max_attempts := ${MAX_ATTEMPTS['automation-run-retry']}::int, job_key := ${`run-retry:${runId}`})`;
}

/** schedule.run.missed for each run, when any enabled webhook of the team wants it. */
export async function enqueueMissedEvents(db: Exec, teamId: string, runIds: string[]): Promise<void> {
  await db.$executeRaw`SELECT graphile_worker.add_job(${JOBS.webhookFanout}, json_build_object('scheduleRunId', r), max_attempts := ${MAX_ATTEMPTS['webhook-fanout']}::int)
    FROM unnest(${runIds}::text[]) AS r
    WHERE EXISTS (SELECT 1 FROM "Webhook" w WHERE w."teamId" = ${teamId}::uuid AND w.enabled AND 'schedule.run.missed' = ANY (w.events))`;
}

export async function enqueueDelivery(db: Exec, deliveryId: string, delayMs = 0): Promise<void> {
  await db.$executeRaw`SELECT graphile_worker.add_job(${JOBS.webhookDeliver}, json_build_object('deliveryId', ${deliveryId}::text),
    run_at := now() + make_interval(secs => ${delayMs / 1000}::float8), max_attempts := ${MAX_ATTEMPTS['webhook-deliver']}::int, job_key := ${`webhook-delivery:${deliveryId}`})`;
}
