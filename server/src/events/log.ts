import type { SessionEventInput } from '@paddock/events';
import type { Db, Tx } from '../db/index.ts';
import type { BusEvent, EventBus } from './bus.ts';

export type NewEvent = SessionEventInput;

/** Runs one statement with positional parameters and returns its rows: a pg pool or a transaction. */
export type SqlRunner = (sql: string, params: unknown[]) => Promise<{ sessionId: string; seq: number }[]>;

export const txRunner =
  (tx: Pick<Tx, '$queryRawUnsafe'>): SqlRunner =>
  (sql, params) =>
    tx.$queryRawUnsafe<{ sessionId: string; seq: number }[]>(sql, ...params);

/**
 * The one statement that writes the event log; every path that stores events uses it.
 * An event is skipped when its seq is already taken (a retry of an INSERT whose commit
 * was acknowledged too late to be seen) or when the log already holds a later event of
 * its session (a turn recovery ended while its worker was cut off must not land behind
 * the log's end).
 */
const INSERT = `INSERT INTO "SessionEvent" ("sessionId", "seq", "type", "messageId", "delta", "payload", "createdAt")
  SELECT e.s, e.q, e.t, e.m, e.d, e.p, e.c
  FROM unnest($1::uuid[], $2::int[], $3::varchar[], $4::uuid[], $5::text[], $6::jsonb[], $7::timestamptz[]) WITH ORDINALITY AS e(s, q, t, m, d, p, c, i)
  WHERE NOT EXISTS (SELECT 1 FROM "SessionEvent" x WHERE x."sessionId" = e.s AND x.seq >= e.q)
  ORDER BY e.i
  ON CONFLICT DO NOTHING
  RETURNING "sessionId", seq`;

/** Stores events that already have their seqs and returns those it stored, in order. */
export async function insertEvents(run: SqlRunner, events: readonly BusEvent[]): Promise<BusEvent[]> {
  if (events.length === 0) return [];
  const rows = await run(INSERT, [
    events.map((e) => e.sessionId),
    events.map((e) => e.seq),
    events.map((e) => e.type),
    events.map((e) => e.messageId),
    events.map((e) => e.delta),
    events.map((e) => (e.payload === null || e.payload === undefined ? null : JSON.stringify(e.payload))),
    events.map((e) => e.createdAt),
  ]);
  if (rows.length === events.length) return [...events];
  const stored = new Set(rows.map((r) => `${r.sessionId}:${r.seq}`));
  return events.filter((e) => stored.has(`${e.sessionId}:${e.seq}`));
}

/**
 * Appends events to a session's log inside the caller's transaction, outside of a
 * running turn (the worker owns the seq counter while a turn runs). Bumping
 * `Session.lastSeq` takes the session row lock, so seqs are gapless and ordered; it
 * also never reuses a seq a crashed worker stored without recording it.
 */
export async function appendEvents(tx: Tx, sessionId: string, events: readonly NewEvent[]): Promise<BusEvent[]> {
  if (events.length === 0) return [];
  const [row] = await tx.$queryRaw<{ lastSeq: number }[]>`
    UPDATE "Session" SET
      "lastSeq" = GREATEST("lastSeq", (SELECT COALESCE(MAX(seq), 0) FROM "SessionEvent" WHERE "sessionId" = ${sessionId}::uuid)) + ${events.length}::int,
      "lastActiveAt" = now()
    WHERE id = ${sessionId}::uuid
    RETURNING "lastSeq"`;
  if (!row) throw new Error(`session ${sessionId} vanished while appending events`);
  const first = row.lastSeq - events.length + 1;
  const createdAt = new Date().toISOString();
  const rows: BusEvent[] = events.map((e, i) => ({
    sessionId,
    seq: first + i,
    type: e.type,
    messageId: e.messageId ?? null,
    delta: e.delta ?? null,
    payload: e.payload,
    createdAt,
  }));
  return insertExactly(tx, rows);
}

/** Inside a transaction every event must land: a seq taken there is a bug, and rolls it back. */
async function insertExactly(tx: Tx, events: readonly BusEvent[]): Promise<BusEvent[]> {
  const stored = await insertEvents(txRunner(tx), events);
  if (stored.length !== events.length)
    throw new Error(`the event log refused ${events.length - stored.length} of ${events.length} events (seqs already taken)`);
  return stored;
}

/** What a transaction run by `withEvents` may do with the log. */
export type EventTx = {
  tx: Tx;
  /** Appends events with the session's next seqs (see appendEvents). */
  append(sessionId: string, events: readonly NewEvent[]): Promise<void>;
  /** Stores events whose seqs the caller took (a running turn's recorder). */
  insert(events: readonly BusEvent[]): Promise<void>;
};

/**
 * Runs `work` in one transaction and publishes the events it stored once it commits:
 * an event reaches subscribers only once it is in the log. Not retried here: wrap it
 * in withDbRetry or persistently where the work is safe to repeat.
 */
export async function withEvents<T>(db: Db, bus: EventBus, work: (log: EventTx) => Promise<T>, opts: { maxWait?: number; timeout?: number } = {}): Promise<T> {
  let stored: BusEvent[] = [];
  const result = await db.$transaction(async (tx) => {
    stored = [];
    return work({
      tx,
      append: async (sessionId, events) => void stored.push(...(await appendEvents(tx, sessionId, events))),
      insert: async (events) => void stored.push(...(await insertExactly(tx, events))),
    });
  }, opts);
  bus.publish(stored);
  return result;
}
