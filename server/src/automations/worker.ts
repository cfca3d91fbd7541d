import type { TaskList } from 'graphile-worker';
import type { Logger } from '../log/index.ts';
import type { Services } from '../services.ts';
import { JOBS } from '../jobs/queue.ts';
import { enqueueRunRetry, type DeliverPayload, type FanoutPayload, type RunRetryPayload } from './jobs.ts';
import { QUEUED_RETRY_MS } from './schedules/service.ts';

/** Looks for due schedules at least this often, and exactly at the earliest due time. */
const SCHEDULER_MAX_SLEEP_MS = 1_000;
/** How often runs whose worker stopped while starting them are ended. */
const STALLED_CHECK_MS = 60_000;

/** The queue's tasks for schedules, triggers and webhooks. */
export function automationTasks(services: Services): TaskList {
  return {
    [JOBS.webhookFanout]: async (payload) => {
      await services.webhooks.fanout(payload as FanoutPayload);
    },
    [JOBS.webhookDeliver]: async (payload) => {
      await services.webhooks.deliver((payload as DeliverPayload).deliveryId);
    },
    [JOBS.automationRunRetry]: async (payload) => {
      const { kind, runId } = payload as RunRetryPayload;
      const settled = kind === 'schedule' ? await services.schedules.retryQueued(runId) : await services.triggers.retryQueued(runId);
      if (!settled) await enqueueRunRetry(services.db, kind, runId, QUEUED_RETRY_MS);
    },
  };
}

/**
 * Fires due schedules from this worker: wakes at the earliest due time (re-read at least
 * every second, so new and changed schedules are seen), so a run starts within
 * milliseconds of its time. Every worker runs one; the schedule's row lock and its unique
 * run per due time decide which worker fires it.
 */
export function startScheduler(services: Services, log: Logger): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let lastStalledCheck = 0;
  const tick = async () => {
    let delay = SCHEDULER_MAX_SLEEP_MS;
    try {
      await services.schedules.fireDue();
      if (Date.now() - lastStalledCheck > STALLED_CHECK_MS) {
        lastStalledCheck = Date.now();
        const failed = await services.schedules.failStalled();
        if (failed > 0) log.warn({ runs: failed }, 'schedule runs whose worker stopped while starting them were ended FAILED');
      }
      const next = await services.schedules.nextDueAt();
      if (next) delay = Math.max(0, Math.min(SCHEDULER_MAX_SLEEP_MS, next.getTime() - Date.now()));
    } catch (error) {
      log.warn({ err: error }, 'could not fire due schedules; trying again');
    }
    if (!closed) timer = setTimeout(() => (running = tick()), delay);
  };
  running = tick();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
