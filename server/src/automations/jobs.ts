import type { Prisma } from '../db/index.ts';

/** Durable jobs of schedules, triggers and webhooks, run by the worker's queue. */
export const AUTOMATION_JOBS = {
  /** Turns one event into a delivery per subscribed webhook; also enqueued by a database trigger on SessionEvent. */
  webhookFanout: 'webhook-fanout',
  webhookDeliver: 'webhook-deliver',
  /** Looks again whether a QUEUED schedule or trigger run can start. */
  runRetry: 'automation-run-retry',
} as const;

export type FanoutPayload = { sessionId: string; seq: number } | { scheduleRunId: string };
export type DeliverPayload = { deliveryId: string };
export type RunRetryPayload = { kind: 'schedule' | 'trigger'; runId: string };

type Exec = Pick<Prisma.TransactionClient, '$executeRaw'>;

export async function enqueueRunRetry(db: Exec, kind: RunRetryPayload['kind'], runId: string, delayMs: number): Promise<void> {
  await db.$executeRaw`SELECT graphile_worker.add_job(${AUTOMATION_JOBS.runRetry}, json_build_object('kind', ${kind}::text, 'runId', ${runId}::text),
    run_at := now() + make_interval(secs => ${delayMs / 1000}::float8), max_attempts := 5, job_key := ${`run-retry:${runId}`})`;
}

/** schedule.run.missed for each run, when any enabled webhook of the team wants it. */
export async function enqueueMissedEvents(db: Exec, teamId: string, runIds: string[]): Promise<void> {
  await db.$executeRaw`SELECT graphile_worker.add_job(${AUTOMATION_JOBS.webhookFanout}, json_build_object('scheduleRunId', r), max_attempts := 25)
    FROM unnest(${runIds}::text[]) AS r
    WHERE EXISTS (SELECT 1 FROM "Webhook" w WHERE w."teamId" = ${teamId}::uuid AND w.enabled AND 'schedule.run.missed' = ANY (w.events))`;
}

export async function enqueueDelivery(db: Exec, deliveryId: string, delayMs = 0): Promise<void> {
  await db.$executeRaw`SELECT graphile_worker.add_job(${AUTOMATION_JOBS.webhookDeliver}, json_build_object('deliveryId', ${deliveryId}::text),
    run_at := now() + make_interval(secs => ${delayMs / 1000}::float8), max_attempts := 3, job_key := ${`webhook-delivery:${deliveryId}`})`;
}
