import { setTimeout as sleep } from 'node:timers/promises';
import { unavailable } from '../errors/index.ts';
import { isTransientDbError } from './errors.ts';

const ATTEMPTS = 4;
const FIRST_DELAY_MS = 100;

/**
 * Runs `work` again when it fails for a transient database reason (see
 * `isTransientDbError`), a few times with backoff; then reports a retryable
 * `UNAVAILABLE` error instead of an internal one. `work` must be safe to repeat: one
 * transaction, or writes keyed by ids chosen before the first attempt.
 */
export async function withDbRetry<T>(work: () => Promise<T>, what = 'The database'): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDbError(error)) throw error;
      if (attempt >= ATTEMPTS) {
        throw unavailable(`${what} is unavailable right now (the database did not answer). Try again in a few seconds.`);
      }
      await sleep(FIRST_DELAY_MS * 3 ** (attempt - 1) * (0.75 + Math.random() / 2));
    }
  }
}

/**
 * Runs `work` until it succeeds, retrying transient database failures with backoff (up
 * to 2 s apart) for as long as the database is away, or until `deadlineMs` when given.
 * Other errors are thrown at once. For writes that must not be lost, such as the end
 * of a turn; `work` must be safe to repeat.
 */
export async function persistently<T>(
  work: () => Promise<T>,
  opts: { onRetry?: (error: unknown, attempt: number) => void; deadlineMs?: number } = {},
): Promise<T> {
  const deadline = opts.deadlineMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDbError(error) || Date.now() > deadline) throw error;
      opts.onRetry?.(error, attempt);
      await sleep(Math.min(2_000, 50 * 2 ** attempt));
    }
  }
}
