import type { Db, Prisma, Tx } from '../db/index.ts';

/**
 * Turn durations are kept in UsageRollup as counts per logarithmic bucket, so p50/p95 of
 * any period and grouping come from added-up histograms instead of every turn. The bucket
 * of a duration is computed in SQL by `paddock_duration_bucket` (see its migration):
 * bucket 0 is under 100 ms, bucket i ≥ 1 covers [100 ms · f^(i-1), 100 ms · f^i) with
 * f = 2^(1/4), the last one open-ended. A percentile is reported as its bucket's geometric
 * middle: within ±9 % of the true value.
 */
export const DURATION_BUCKETS = 64;
const BASE_MS = 100;
const FACTOR = 2 ** 0.25;

/** The duration a percentile (0–1) of a histogram falls in, in milliseconds; null when it is empty. */
export function histogramPercentile(histogram: readonly number[], p: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) {
      if (i === 0) return BASE_MS / 2;
      if (i === DURATION_BUCKETS - 1) return Math.round(BASE_MS * FACTOR ** (i - 1));
      return Math.round(BASE_MS * FACTOR ** (i - 0.5));
    }
  }
  return null;
}

export type TurnTokens = { inputTokens: number; outputTokens: number };

export type TurnEnd = {
  turnId: string;
  sessionId: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  endedAt: Date;
  /** The model that ran it; null to take the agent's. */
  model: string | null;
  usage: TurnTokens;
  /** US dollars as the price book priced the turn (cost/prices.ts); null when its model has no known price. */
  costUsd: number | null;
  /** Names of the tools it called, one entry per call. */
  toolCalls: readonly string[];
};

/**
 * The statements that record a finished turn for history: its model and tool calls on the
 * turn, the columns session lists filter and sort by, and the hourly and daily usage
 * rollups. Tokens and cost on the turn and the session are stored by whoever ends the turn.
 * Run them in the same transaction that ends the turn, so each turn is counted once.
 */
export function recordTurnEnd(db: Db | Tx, end: TurnEnd): Prisma.PrismaPromise<number>[] {
  const { usage } = end;
  const cost = end.costUsd;
  const names = [...new Set(end.toolCalls)];
  const failed = end.status === 'FAILED' ? 1 : 0;
  return [
    db.$executeRaw`
      UPDATE "Turn" t SET "model" = coalesce(${end.model}::text, a.model), "toolCalls" = ${end.toolCalls.length}
      FROM "Session" s JOIN "Agent" a ON a.id = s."agentId"
      WHERE t.id = ${end.turnId}::uuid AND s.id = t."sessionId"`,
    db.$executeRaw`
      UPDATE "Session" SET
        "totalTokens" = "totalTokens" + ${usage.inputTokens + usage.outputTokens}::int,
        "failedTurns" = "failedTurns" + ${failed}::int,
        "toolCalls" = "toolCalls" + ${end.toolCalls.length}::int,
        "toolNames" = CASE WHEN cardinality(${names}::text[]) = 0 THEN "toolNames"
                           ELSE ARRAY(SELECT DISTINCT n FROM unnest(coalesce("toolNames", '{}') || ${names}::text[]) AS n ORDER BY n) END
      WHERE id = ${end.sessionId}::uuid`,
    db.$executeRaw`
      INSERT INTO "UsageRollup" AS r ("teamId", "period", "start", "agentId", "model", "harness", "turns", "failedTurns", "inputTokens", "outputTokens", "toolCalls", "costUsd", "unpricedTurns", "durationHistogram")
      SELECT s."teamId", p.period, date_trunc(p.unit, ${end.endedAt}::timestamptz, 'UTC'), s."agentId", coalesce(${end.model}::text, a.model), a."harnessName",
        1, ${failed}::int, ${usage.inputTokens}::bigint, ${usage.outputTokens}::bigint, ${end.toolCalls.length}::int, ${cost ?? 0}::float8, ${cost === null ? 1 : 0}::int,
        (SELECT array_agg(CASE WHEN i = paddock_duration_bucket(extract(epoch FROM ${end.endedAt}::timestamptz - coalesce(t."startedAt", t."createdAt")) * 1000) THEN 1 ELSE 0 END ORDER BY i)
         FROM generate_series(0, ${DURATION_BUCKETS - 1}::int) AS i)
      FROM "Turn" t JOIN "Session" s ON s.id = t."sessionId" JOIN "Agent" a ON a.id = s."agentId",
        (VALUES ('HOUR'::"UsagePeriod", 'hour'), ('DAY'::"UsagePeriod", 'day')) AS p(period, unit)
      WHERE t.id = ${end.turnId}::uuid
      ON CONFLICT ("teamId", "period", "start", "agentId", "model", "harness") DO UPDATE SET
        "turns" = r."turns" + 1,
        "failedTurns" = r."failedTurns" + EXCLUDED."failedTurns",
        "inputTokens" = r."inputTokens" + EXCLUDED."inputTokens",
        "outputTokens" = r."outputTokens" + EXCLUDED."outputTokens",
        "toolCalls" = r."toolCalls" + EXCLUDED."toolCalls",
        "costUsd" = r."costUsd" + EXCLUDED."costUsd",
        "unpricedTurns" = r."unpricedTurns" + EXCLUDED."unpricedTurns",
        "durationHistogram" = (SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY n)
                               FROM unnest(r."durationHistogram", EXCLUDED."durationHistogram") WITH ORDINALITY AS u(x, y, n))`,
  ];
}
