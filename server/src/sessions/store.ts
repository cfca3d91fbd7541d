import type pg from 'pg';
import type { Message, Session, SessionEvent, SessionStatus } from '../db/index.ts';
import { containsPattern, SqlParams } from '../db/sql.ts';
import { minIdAt } from '../ids/index.ts';
import type { PageWindow } from '../db/page-window.ts';

/**
 * The sessions domain's hot reads, as plain SQL on the pg pool: a message page, an event
 * page, session lists with every filter and order. Each is served by an index (checked
 * with EXPLAIN in store.test.ts); keep new reads here so that stays true.
 */

/** Message columns in the shape of Prisma's Message (the search vector stays in the database). */
export const MESSAGE_COLUMNS = [
  'id',
  'sessionId',
  'role',
  'content',
  'status',
  'toolCalls',
  'toolCallId',
  'model',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'costUsd',
  'error',
  'createdAt',
  'completedAt',
]
  .map((c) => `m."${c}"`)
  .join(', ');

export type SessionOrderField = 'CREATED_AT' | 'LAST_ACTIVE_AT' | 'TOTAL_TOKENS' | 'COST';
export type SessionOrder = { field: SessionOrderField; direction: 'ASC' | 'DESC' };

export type SessionListFilter = {
  agentId?: string | null;
  status?: SessionStatus | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  lastActiveAfter?: Date | null;
  lastActiveBefore?: Date | null;
  harness?: string | null;
  model?: string | null;
  /** Part of the title, any case. */
  search?: string | null;
  hasFailedTurn?: boolean | null;
  toolName?: string | null;
  minTotalTokens?: number | null;
  minCostUsd?: number | null;
};

const ORDER_COLUMN: Record<SessionOrderField, string | null> = {
  CREATED_AT: null, // ids are UUIDv7: creation order
  LAST_ACTIVE_AT: '"lastActiveAt"',
  TOTAL_TOKENS: '"totalTokens"',
  COST: '"costUsd"',
};

export async function findSession(pool: pg.Pool, teamId: string, id: string): Promise<Session | null> {
  const { rows } = await pool.query<Session>('SELECT * FROM "Session" WHERE id = $1 AND "teamId" = $2', [id, teamId]);
  return rows[0] ?? null;
}

/** One page of a team's sessions; the window's cursors are session ids. */
export async function listSessions(pool: pg.Pool, teamId: string, filter: SessionListFilter, order: SessionOrder, window: PageWindow): Promise<Session[]> {
  const q = new SqlParams();
  const where = [`s."teamId" = ${q.param(teamId)}`];
  if (filter.agentId) where.push(`s."agentId" = ${q.param(filter.agentId)}`);
  if (filter.status) where.push(`s.status = ${q.param(filter.status)}::"SessionStatus"`);
  if (filter.createdAfter) {
    // Ids are UUIDv7, so a creation-time bound is also an id bound the index can use.
    where.push(`s.id >= ${q.param(minIdAt(filter.createdAfter))}`, `s."createdAt" >= ${q.param(filter.createdAfter)}`);
  }
  if (filter.createdBefore) where.push(`s."createdAt" < ${q.param(filter.createdBefore)}`);
  if (filter.lastActiveAfter) where.push(`s."lastActiveAt" >= ${q.param(filter.lastActiveAfter)}`);
  if (filter.lastActiveBefore) where.push(`s."lastActiveAt" < ${q.param(filter.lastActiveBefore)}`);
  if (filter.harness || filter.model) {
    const agent = [`a."teamId" = s."teamId"`];
    if (filter.harness) agent.push(`a."harnessName" = ${q.param(filter.harness)}`);
    if (filter.model) agent.push(`a.model = ${q.param(filter.model)}`);
    where.push(`s."agentId" IN (SELECT a.id FROM "Agent" a WHERE ${agent.join(' AND ')})`);
  }
  if (filter.search) where.push(`s.title ILIKE ${q.param(containsPattern(filter.search))}`);
  if (filter.hasFailedTurn != null) where.push(filter.hasFailedTurn ? 's."failedTurns" > 0' : 's."failedTurns" = 0');
  if (filter.toolName) where.push(`s."toolNames" @> ARRAY[${q.param(filter.toolName)}]::text[]`);
  if (filter.minTotalTokens != null) where.push(`s."totalTokens" >= ${q.param(filter.minTotalTokens)}`);
  if (filter.minCostUsd != null) where.push(`s."costUsd" >= ${q.param(filter.minCostUsd)}`);

  const column = ORDER_COLUMN[order.field];
  const key = column ? `(s.${column}, s.id)` : 's.id';
  // A cursor names a session; the keyset continues from where that session sorts now.
  const cursorKey = (id: string) => (column ? `(SELECT c.${column}, c.id FROM "Session" c WHERE c.id = ${q.param(id)})` : q.param(id));
  const descending = (order.direction === 'DESC') !== window.backward;
  if (window.after) where.push(`${key} ${order.direction === 'DESC' ? '<' : '>'} ${cursorKey(window.after)}`);
  if (window.before) where.push(`${key} ${order.direction === 'DESC' ? '>' : '<'} ${cursorKey(window.before)}`);
  const dir = descending ? 'DESC' : 'ASC';
  const orderBy = column ? `s.${column} ${dir}, s.id ${dir}` : `s.id ${dir}`;
  const sql = `SELECT s.* FROM "Session" s WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${q.param(window.limit)}`;
  return (await pool.query<Session>(sql, q.values)).rows;
}

/** Oldest first: `after` moves toward newer messages. */
export async function messagePage(pool: pg.Pool, sessionId: string, window: PageWindow): Promise<Message[]> {
  const q = new SqlParams();
  const where = [`m."sessionId" = ${q.param(sessionId)}`];
  if (window.after) where.push(`m.id > ${q.param(window.after)}`);
  if (window.before) where.push(`m.id < ${q.param(window.before)}`);
  const sql = `SELECT ${MESSAGE_COLUMNS} FROM "Message" m WHERE ${where.join(' AND ')} ORDER BY m.id ${window.backward ? 'DESC' : 'ASC'} LIMIT ${q.param(window.limit)}`;
  return (await pool.query<Message>(sql, q.values)).rows;
}

/** Stored events with after < seq <= upTo (and before `before`), of the given types if any; oldest first unless backward. */
export async function eventPage(
  pool: pg.Pool,
  sessionId: string,
  opts: { after?: number | undefined; before?: number | undefined; upTo: number; limit: number; backward?: boolean; types?: readonly string[] | null },
): Promise<SessionEvent[]> {
  const q = new SqlParams();
  const where = [`"sessionId" = ${q.param(sessionId)}`, `seq <= ${q.param(opts.upTo)}`];
  if (opts.after !== undefined) where.push(`seq > ${q.param(opts.after)}`);
  if (opts.before !== undefined) where.push(`seq < ${q.param(opts.before)}`);
  if (opts.types && opts.types.length > 0) where.push(`type = ANY(${q.param(opts.types)}::text[])`);
  const sql = `SELECT "sessionId", seq, type, "messageId", delta, payload, "createdAt" FROM "SessionEvent" WHERE ${where.join(' AND ')} ORDER BY seq ${opts.backward ? 'DESC' : 'ASC'} LIMIT ${q.param(opts.limit)}`;
  return (await pool.query<SessionEvent>(sql, q.values)).rows;
}
