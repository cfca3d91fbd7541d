import type pg from 'pg';
import type { Message, MessageRole, Session, Turn, TurnStatus } from '../db/index.ts';
import { containsPattern, prepared, SqlParams } from '../db/sql.ts';
import { minIdAt } from '../ids/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import { MESSAGE_COLUMNS } from '../sessions/store.ts';
import { DURATION_BUCKETS } from './usage.ts';

/**
 * The history domain's SQL, on the pg pool: search, cross-session turns, usage rollups,
 * export batches and retention. Index use of the hot ones is checked in history.test.ts.
 */

/** Marks ts_headline puts around matches; control characters no text search returns. */
export const HIT_START = '\u0002';
export const HIT_END = '\u0003';

export type SearchFilter = { agentId?: string | null; sessionId?: string | null; role?: MessageRole | null; from?: Date | null; to?: Date | null };
export type SearchRow = Message & { rank: number; headline: string | null; fullText: boolean };

/** Up to this many matches, a search reads them all through its GIN indexes and sorts them. */
const FEW_MATCHES = 2000;

/**
 * Searches known to match more than FEW_MATCHES messages skip the counting query for a
 * while and walk newest-first at once. Only the choice of plan is remembered, never
 * results, so a stale entry can cost time but never change an answer.
 */
class CommonSearches {
  readonly #until = new Map<string, number>();

  has(key: string): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#until.delete(key);
    return false;
  }

  add(key: string): void {
    if (this.#until.size >= 1_000) this.#until.clear();
    this.#until.set(key, Date.now() + 10 * 60_000);
  }
}
const commonSearches = new CommonSearches();

/**
 * Messages of a team whose content or tool calls match `query`, newest first: full-text
 * (websearch_to_tsquery syntax) or, for `pattern` (an identifier or path), a substring
 * match the trigram index serves. Ids are the keyset.
 *
 * The plan is chosen here, not by the planner's guess of how common the words are: a
 * first query collects matches of every team through the GIN indexes only (bitmap
 * scans), stopping after FEW_MATCHES. If it found fewer, those are all there are, and the
 * page is cut from them with the team's own; otherwise the words are common, and walking
 * the team's messages newest-first until a page is full is quicker than reading every match.
 */
export async function searchMessages(
  pool: pg.Pool,
  teamId: string,
  search: { query: string; pattern: string | null },
  filter: SearchFilter,
  window: PageWindow,
): Promise<SearchRow[]> {
  const q = new SqlParams();
  const tsquery = `websearch_to_tsquery('english', ${q.param(search.query)})`;
  const like = search.pattern ? q.param(containsPattern(search.pattern)) : null;
  const match = like ? `(m."searchVector" @@ ${tsquery} OR m.content ILIKE ${like})` : `m."searchVector" @@ ${tsquery}`;
  // The first query reads only the message table, through the indexes of these conditions.
  const own = [match];
  if (filter.sessionId) own.push(`m."sessionId" = ${q.param(filter.sessionId)}`);
  if (filter.role) own.push(`m.role = ${q.param(filter.role)}::"MessageRole"`);
  const ownValues = [...q.values];
  const where = [...own, `s."teamId" = ${q.param(teamId)}`];
  if (filter.agentId) where.push(`s."agentId" = ${q.param(filter.agentId)}`);
  if (filter.from) where.push(`m.id >= ${q.param(minIdAt(filter.from))}`, `m."createdAt" >= ${q.param(filter.from)}`);
  if (filter.to) where.push(`m."createdAt" < ${q.param(filter.to)}`);
  if (window.after) where.push(`m.id < ${q.param(window.after)}`);
  if (window.before) where.push(`m.id > ${q.param(window.before)}`);
  const dir = window.backward ? 'ASC' : 'DESC';

  const probeKey = JSON.stringify([search.query, search.pattern, filter.sessionId ?? null, filter.role ?? null]);
  const knownCommon = commonSearches.has(probeKey);
  const walk = 'SET LOCAL enable_bitmapscan = off';
  const client = await pool.connect();
  try {
    await client.query(
      `BEGIN READ ONLY; ${knownCommon ? walk : 'SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off'}`,
    );
    let candidates = 'true';
    if (!knownCommon) {
      const few = await client.query<{ id: string }>(`SELECT m.id FROM "Message" m WHERE ${own.join(' AND ')} LIMIT ${FEW_MATCHES + 1}`, ownValues);
      const reset = 'RESET enable_seqscan; RESET enable_indexscan; RESET enable_indexonlyscan';
      if (few.rows.length <= FEW_MATCHES) {
        candidates = `m.id = ANY(${q.param(few.rows.map((r) => r.id))}::uuid[])`;
        await client.query(reset);
      } else {
        commonSearches.add(probeKey);
        await client.query(`${reset}; ${walk}`);
      }
    }
    const outer = MESSAGE_COLUMNS.replaceAll('m."', 'hit."');
    // Rank and headline only for the page, not for every match.
    const sql = `
      SELECT ${outer},
        hit."searchVector" @@ ${tsquery} AS "fullText",
        CASE WHEN hit."searchVector" @@ ${tsquery} THEN ts_rank_cd(hit."searchVector", ${tsquery}) ELSE ${like ? `word_similarity(${q.param(search.pattern)}, hit.content)` : '0'} END AS rank,
        CASE WHEN hit."searchVector" @@ ${tsquery} THEN ts_headline('english',
          translate(left(hit.content || ' ' || coalesce(paddock_tool_calls_text(hit."toolCalls"), ''), 20000), E'\\u0002\\u0003', ''),
          ${tsquery}, 'StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') END AS headline
      FROM (
        SELECT m.* FROM "Message" m JOIN "Session" s ON s.id = m."sessionId"
        WHERE ${[...where, candidates].join(' AND ')}
        ORDER BY m.id ${dir} LIMIT ${q.param(window.limit)}
      ) hit
      ORDER BY hit.id ${dir}`;
    const { rows } = await client.query<SearchRow>(sql, q.values);
    await client.query('COMMIT');
    return rows.map((r) => ({ ...r, rank: Number(r.rank) }));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export type TurnFilter = { status?: TurnStatus | null; agentId?: string | null; from?: Date | null; to?: Date | null };

/** A team's turns across sessions, newest first. */
export async function listTurns(pool: pg.Pool, teamId: string, filter: TurnFilter, window: PageWindow): Promise<Turn[]> {
  const q = new SqlParams();
  const where = [`s."teamId" = ${q.param(teamId)}`];
  if (filter.status) where.push(`t.status = ${q.param(filter.status)}::"TurnStatus"`);
  if (filter.agentId) where.push(`s."agentId" = ${q.param(filter.agentId)}`);
  if (filter.from) where.push(`t.id >= ${q.param(minIdAt(filter.from))}`, `t."createdAt" >= ${q.param(filter.from)}`);
  if (filter.to) where.push(`t."createdAt" < ${q.param(filter.to)}`);
  if (window.after) where.push(`t.id < ${q.param(window.after)}`);
  if (window.before) where.push(`t.id > ${q.param(window.before)}`);
  const sql = `SELECT t.* FROM "Turn" t JOIN "Session" s ON s.id = t."sessionId" WHERE ${where.join(' AND ')} ORDER BY t.id ${window.backward ? 'ASC' : 'DESC'} LIMIT ${q.param(window.limit)}`;
  return (await pool.query<Turn>(sql, q.values)).rows;
}

export type UsageGroupKey = 'DAY' | 'HOUR' | 'AGENT' | 'MODEL' | 'HARNESS';

export type RollupGroup = {
  day: Date | null;
  hour: Date | null;
  agentId: string | null;
  model: string | null;
  harness: string | null;
  turns: number;
  failedTurns: number;
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
  costUsd: number;
  unpricedTurns: number;
  /** The group's turn-duration histogram, its rows' added up bucket by bucket. */
  durationHistogram: number[];
};

/**
 * Usage of [from, to) added up per group, in PostgreSQL (the API process only gets one row
 * per group). The rollup rows read tile the range exactly: whole UTC days from the daily
 * rollup, the hours at either end from the hourly one (`from`/`to` are whole hours).
 */
export async function usageGroups(
  pool: pg.Pool,
  teamId: string,
  from: Date,
  to: Date,
  groups: ReadonlySet<UsageGroupKey>,
  filter: { agentId?: string | null; model?: string | null; harness?: string | null },
): Promise<RollupGroup[]> {
  const q = new SqlParams();
  const extra: string[] = [];
  if (filter.agentId) extra.push(`"agentId" = ${q.param(filter.agentId)}`);
  if (filter.model) extra.push(`model = ${q.param(filter.model)}`);
  if (filter.harness) extra.push(`harness = ${q.param(filter.harness)}`);
  const team = q.param(teamId);
  const and = extra.map((e) => ` AND ${e}`).join('');
  const tile = (period: 'HOUR' | 'DAY', start: Date, end: Date) =>
    `SELECT * FROM "UsageRollup" WHERE "teamId" = ${team} AND period = '${period}' AND start >= ${q.param(start)} AND start < ${q.param(end)}${and}`;
  const DAY = 86_400_000;
  const firstDay = new Date(Math.ceil(from.getTime() / DAY) * DAY);
  const lastDay = new Date(Math.floor(to.getTime() / DAY) * DAY);
  const tiles =
    groups.has('HOUR') || firstDay >= lastDay
      ? tile('HOUR', from, to)
      : [tile('DAY', firstDay, lastDay), tile('HOUR', from, firstDay), tile('HOUR', lastDay, to)].join(' UNION ALL ');
  const keys = [
    `${groups.has('DAY') ? `date_trunc('day', start, 'UTC')` : 'NULL::timestamptz'} AS day`,
    `${groups.has('HOUR') ? 'start' : 'NULL::timestamptz'} AS hour`,
    `${groups.has('AGENT') ? '"agentId"' : 'NULL::uuid'} AS "agentId"`,
    `${groups.has('MODEL') ? 'model' : 'NULL::text'} AS model`,
    `${groups.has('HARNESS') ? 'harness' : 'NULL::text'} AS harness`,
  ];
  // Histograms are added up bucket by bucket as 64 plain sums in the one aggregation pass:
  // far cheaper than unnesting every row into 64 and grouping those again.
  const buckets = Array.from({ length: DURATION_BUCKETS }, (_, i) => `sum("durationHistogram"[${i + 1}])`).join(', ');
  const sql = `
    SELECT day, hour, "agentId", model, harness,
      sum(turns)::int AS turns, sum("failedTurns")::int AS "failedTurns", sum("inputTokens")::float8 AS "inputTokens",
      sum("outputTokens")::float8 AS "outputTokens", sum("toolCalls")::int AS "toolCalls", sum("costUsd")::float8 AS "costUsd",
      sum("unpricedTurns")::int AS "unpricedTurns", ARRAY[${buckets}]::int[] AS "durationHistogram"
    FROM (SELECT ${keys.join(', ')}, turns, "failedTurns", "inputTokens", "outputTokens", "toolCalls", "costUsd", "unpricedTurns", "durationHistogram" FROM (${tiles}) tiles) r
    GROUP BY day, hour, "agentId", model, harness
    ORDER BY day NULLS FIRST, hour NULLS FIRST, "agentId" NULLS FIRST, model NULLS FIRST, harness NULLS FIRST`;
  return (await pool.query<RollupGroup>(prepared(sql, q.values))).rows;
}

export type ExportSession = Session & { agentName: string; harness: string; agentModel: string };

/** The next batch of sessions to export, by id after `cursor`; teamId null for every team. */
export async function exportSessionBatch(
  pool: pg.Pool,
  teamId: string | null,
  since: Date,
  until: Date,
  cursor: string | null,
  limit: number,
): Promise<ExportSession[]> {
  const q = new SqlParams();
  const where = [`s."lastActiveAt" >= ${q.param(since)}`, `s."lastActiveAt" < ${q.param(until)}`];
  if (teamId) where.push(`s."teamId" = ${q.param(teamId)}`);
  if (cursor) where.push(`s.id > ${q.param(cursor)}`);
  const sql = `
    SELECT s.*, a.name AS "agentName", a."harnessName" AS harness, a.model AS "agentModel"
    FROM "Session" s JOIN "Agent" a ON a.id = s."agentId"
    WHERE ${where.join(' AND ')} ORDER BY s.id LIMIT ${q.param(limit)}`;
  return (await pool.query<ExportSession>(sql, q.values)).rows;
}

export async function exportMessages(pool: pg.Pool, sessionId: string, after: string | null, limit: number): Promise<Message[]> {
  const sql = `SELECT ${MESSAGE_COLUMNS} FROM "Message" m WHERE m."sessionId" = $1 AND ($2::uuid IS NULL OR m.id > $2::uuid) ORDER BY m.id LIMIT $3`;
  return (await pool.query<Message>(sql, [sessionId, after, limit])).rows;
}

export async function exportTurns(pool: pg.Pool, sessionId: string, after: Date | null, afterId: string | null, limit: number): Promise<Turn[]> {
  const sql = `SELECT * FROM "Turn" WHERE "sessionId" = $1 AND ($2::timestamptz IS NULL OR ("createdAt", id) > ($2::timestamptz, $3::uuid)) ORDER BY "createdAt", id LIMIT $4`;
  return (await pool.query<Turn>(sql, [sessionId, after, afterId, limit])).rows;
}

/**
 * Compacts up to `limit` finished turns of a team that ended before `cutoff`: the
 * message.delta events of each of their messages go; a message without a
 * message.completed event keeps its first delta's seq as one, carrying the full text.
 */
export async function compactTurns(pool: pg.Pool, teamId: string, cutoff: Date, limit: number): Promise<{ turns: number; events: number }> {
  const { rows } = await pool.query<{ turns: string; events: string }>(
    `
    WITH batch AS (
      SELECT t.id, t."sessionId", t."userMessageId",
        (SELECT n."userMessageId" FROM "Turn" n WHERE n."sessionId" = t."sessionId" AND n."userMessageId" > t."userMessageId" ORDER BY n."userMessageId" LIMIT 1) AS "nextUser"
      FROM "Turn" t JOIN "Session" s ON s.id = t."sessionId"
      WHERE s."teamId" = $1 AND t."compactedAt" IS NULL AND t."endedAt" < $2 AND t.status IN ('COMPLETED', 'FAILED', 'CANCELLED')
      ORDER BY t."endedAt" LIMIT $3
      FOR UPDATE OF t SKIP LOCKED
    ), msgs AS (
      SELECT m.id, m."sessionId", m.content FROM batch b
      JOIN "Message" m ON m."sessionId" = b."sessionId" AND m.role = 'ASSISTANT' AND m.id > b."userMessageId" AND (b."nextUser" IS NULL OR m.id < b."nextUser")
    ), firsts AS (
      SELECT e."sessionId", e."messageId", min(e.seq) AS seq
      FROM "SessionEvent" e JOIN msgs m ON e."sessionId" = m."sessionId" AND e."messageId" = m.id
      WHERE e.type = 'message.delta'
        AND NOT EXISTS (SELECT 1 FROM "SessionEvent" c WHERE c."sessionId" = e."sessionId" AND c."messageId" = e."messageId" AND c.type = 'message.completed')
      GROUP BY e."sessionId", e."messageId"
    ), converted AS (
      UPDATE "SessionEvent" e SET type = 'message.completed', delta = NULL, payload = jsonb_build_object('content', m.content, 'compacted', true)
      FROM firsts f JOIN msgs m ON m.id = f."messageId"
      WHERE e."sessionId" = f."sessionId" AND e.seq = f.seq
      RETURNING e."sessionId", e.seq
    ), deleted AS (
      DELETE FROM "SessionEvent" e USING msgs m
      WHERE e."sessionId" = m."sessionId" AND e."messageId" = m.id AND e.type = 'message.delta'
        AND NOT EXISTS (SELECT 1 FROM converted c WHERE c."sessionId" = e."sessionId" AND c.seq = e.seq)
      RETURNING 1
    ), marked AS (
      UPDATE "Turn" t SET "compactedAt" = now() FROM batch b WHERE t.id = b.id RETURNING 1
    )
    SELECT (SELECT count(*) FROM marked) AS turns, (SELECT count(*) FROM deleted) AS events`,
    [teamId, cutoff, limit],
  );
  return { turns: Number(rows[0]?.turns ?? 0), events: Number(rows[0]?.events ?? 0) };
}

/** Deletes up to `limit` sessions of a team inactive since before `cutoff` whose sandbox is gone. */
export async function deleteInactiveSessions(pool: pg.Pool, teamId: string, cutoff: Date, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    `
    WITH doomed AS (
      SELECT s.id FROM "Session" s LEFT JOIN "Sandbox" x ON x."sessionId" = s.id
      WHERE s."teamId" = $1 AND s."lastActiveAt" < $2 AND s.status NOT IN ('RUNNING', 'PROVISIONING')
        AND (x."sessionId" IS NULL OR x.phase IN ('DELETED', 'FAILED'))
      ORDER BY s."lastActiveAt" LIMIT $3
      FOR UPDATE OF s SKIP LOCKED
    )
    DELETE FROM "Session" s USING doomed d WHERE s.id = d.id`,
    [teamId, cutoff, limit],
  );
  return rowCount ?? 0;
}
