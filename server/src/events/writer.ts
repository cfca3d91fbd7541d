import pg from 'pg';
import { isTransientDbError } from '../db/errors.ts';
import type { Logger } from '../log/index.ts';
import type { BusEvent, EventBus } from './bus.ts';
import { isDatabaseShutdown } from '../db/errors.ts';
import { insertEvents, type SqlRunner } from './log.ts';

/** Events one INSERT carries at most. */
const MAX_BATCH = 2_000;
/** Above this many unstored events, producers wait (`ready()`) before adding more. */
const HIGH_WATER = 4_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * Stores session events, then publishes them: an event reaches subscribers only once it
 * is in the log, so the log and every live stream hold the same events in the same
 * order, whatever fails in between. One INSERT is in flight at a time and carries
 * everything queued meanwhile, so under load the number of queries grows with round
 * trips, not with events. A failed INSERT is retried, in order, until it succeeds —
 * events are never dropped; while the database is away, `ready()` holds producers back.
 * This is the streaming path of a running turn; writes that belong to a transaction
 * (a message, a status change, a turn's end) go through `withEvents` in log.ts. Both
 * store with the log's one INSERT.
 */
export class EventWriter {
  readonly #pool: pg.Pool;
  readonly #bus: EventBus;
  readonly #log: Logger;
  #queue: BusEvent[] = [];
  #draining = false;
  #closed = false;
  /** Events ever queued / ever stored; `flush()` waits for the second to reach the first. */
  #queued = 0;
  #stored = 0;
  #waiters: { upTo: number; resolve: () => void }[] = [];
  #roomWaiters: (() => void)[] = [];
  #wake: (() => void) | null = null;
  #lastErrorTransient = true;
  readonly #run: SqlRunner = async (sql, params) => (await this.#pool.query<{ sessionId: string; seq: number }>(sql, params)).rows;

  constructor(databaseUrl: string, bus: EventBus, log: Logger) {
    // A hung connection must not stall the log forever; the INSERT is retried instead.
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 5_000, query_timeout: 30_000 });
    this.#pool.on('error', (error) => log[isDatabaseShutdown(error) ? 'debug' : 'warn']({ err: error }, 'event writer connection error'));
    this.#bus = bus;
    this.#log = log.child({ component: 'event-writer' });
  }

  /** Events not stored yet. */
  get backlog(): number {
    return this.#queue.length;
  }

  write(events: BusEvent[]): void {
    if (events.length === 0) return;
    this.#queue.push(...events);
    this.#queued += events.length;
    if (!this.#draining) {
      this.#draining = true;
      setImmediate(() => void this.#drain());
    }
  }

  /** Resolves at once unless the backlog is over the high-water mark; then once it drains below it. */
  ready(): Promise<void> | null {
    if (this.#queue.length < HIGH_WATER) return null;
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Resolves once every event queued so far is stored (and published). */
  flush(): Promise<void> {
    if (this.#stored >= this.#queued) return Promise.resolve();
    const upTo = this.#queued;
    return new Promise((resolve) => this.#waiters.push({ upTo, resolve }));
  }

  /** Waits up to `graceMs` for the backlog to be stored; what is left is logged as lost. */
  async close(graceMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.#closed = true;
    this.#wake?.();
    if (this.#queue.length > 0) this.#log.error({ events: this.#queue.length }, 'closing with events the database never accepted');
    await this.#pool.end().catch(() => undefined);
  }

  async #drain(): Promise<void> {
    let failures = 0;
    let outageStarted = 0;
    while (this.#queue.length > 0 && !this.#closed) {
      const batch = this.#queue.slice(0, MAX_BATCH);
      let stored: BusEvent[];
      try {
        stored = failures >= 3 && !this.#lastErrorTransient ? await this.#insertEach(batch) : await this.#insert(batch);
      } catch (error) {
        this.#lastErrorTransient = isTransientDbError(error);
        failures += 1;
        if (failures === 1) {
          outageStarted = Date.now();
          this.#log.warn({ err: error, backlog: this.#queue.length }, 'storing events failed; retrying until the database accepts them');
        }
        await this.#sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1)));
        continue;
      }
      if (failures > 0) this.#log.info({ ms: Date.now() - outageStarted, attempts: failures + 1 }, 'events stored again after a database outage');
      failures = 0;
      this.#queue.splice(0, batch.length);
      this.#stored += batch.length;
      this.#bus.publish(stored);
      this.#waiters = this.#waiters.filter((w) => (w.upTo <= this.#stored ? (w.resolve(), false) : true));
      if (this.#queue.length < HIGH_WATER && this.#roomWaiters.length > 0) {
        const waiting = this.#roomWaiters;
        this.#roomWaiters = [];
        for (const resolve of waiting) resolve();
      }
    }
    this.#draining = false;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * A batch the database keeps rejecting for a reason other than its availability (a
   * bug, not an outage) is stored event by event, so one bad event cannot hold back
   * every session's log; only events rejected on their own are left out, and logged.
   */
  async #insertEach(batch: BusEvent[]): Promise<BusEvent[]> {
    const stored: BusEvent[] = [];
    for (const event of batch) {
      try {
        stored.push(...(await this.#insert([event])));
      } catch (error) {
        if (isTransientDbError(error)) throw error;
        this.#log.error(
          { err: error, sessionId: event.sessionId, seq: event.seq, type: event.type },
          'the database rejected an event; it is left out of the log',
        );
      }
    }
    return stored;
  }

  /** Stores a batch through the log's one INSERT and returns the events it stored, in order. */
  async #insert(batch: BusEvent[]): Promise<BusEvent[]> {
    const started = performance.now();
    const stored = await insertEvents(this.#run, batch);
    this.#log.trace({ events: batch.length, ms: performance.now() - started }, 'events stored');
    if (stored.length < batch.length) {
      const kept = new Set(stored);
      const skipped = batch.filter((e) => !kept.has(e));
      this.#log.warn(
        { skipped: skipped.length, sessions: [...new Set(skipped.map((e) => e.sessionId))] },
        'events not stored: already in the log, or behind a newer event',
      );
    }
    return stored;
  }
}
