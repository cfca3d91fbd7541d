import pg from 'pg';
import type { Logger } from '../log/index.ts';
import type { BusEvent } from './bus.ts';
import { isDatabaseShutdown } from '../db/errors.ts';

const FLUSH_INTERVAL_MS = 40;

/**
 * Persists published events in batches: every session's pending events go out in one
 * multi-row INSERT per interval, so storing a token costs a fraction of a query.
 * `flush()` lets a caller wait until everything it queued is durable.
 */
export class EventWriter {
  readonly #pool: pg.Pool;
  readonly #log: Logger;
  #queue: BusEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #inflight: Promise<void> = Promise.resolve();

  constructor(databaseUrl: string, log: Logger) {
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    this.#pool.on('error', (error) => log[isDatabaseShutdown(error) ? 'debug' : 'warn']({ err: error }, 'event writer connection error'));
    this.#log = log.child({ component: 'event-writer' });
  }

  write(events: BusEvent[]): void {
    this.#queue.push(...events);
    this.#timer ??= setTimeout(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
  }

  /** Resolves once every event queued so far is stored; rejects if storing them failed. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#queue;
    this.#queue = [];
    const previous = this.#inflight.catch(() => undefined);
    const next = previous.then(() => (batch.length > 0 ? this.#insert(batch) : undefined));
    this.#inflight = next;
    return next;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.#pool.end();
  }

  async #insert(batch: BusEvent[]): Promise<void> {
    const started = performance.now();
    try {
      await this.#pool.query(
        `INSERT INTO "SessionEvent" ("sessionId", "seq", "type", "messageId", "delta", "payload", "createdAt")
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::varchar[], $4::uuid[], $5::text[], $6::jsonb[], $7::timestamptz[])
         ON CONFLICT DO NOTHING`,
        [
          batch.map((e) => e.sessionId),
          batch.map((e) => e.seq),
          batch.map((e) => e.type),
          batch.map((e) => e.messageId),
          batch.map((e) => e.delta),
          batch.map((e) => (e.payload === null || e.payload === undefined ? null : JSON.stringify(e.payload))),
          batch.map((e) => e.createdAt),
        ],
      );
      this.#log.trace({ events: batch.length, ms: performance.now() - started }, 'events stored');
    } catch (error) {
      this.#log.error({ err: error, events: batch.length }, 'storing events failed');
      throw error;
    }
  }
}
