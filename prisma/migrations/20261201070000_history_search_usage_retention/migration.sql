-- CreateEnum
CREATE TYPE "UsagePeriod" AS ENUM ('HOUR', 'DAY');

-- Trigram indexes (identifier and path search, session titles).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The string values of a message's tool calls (names, inputs, outputs), bounded like its content.
CREATE FUNCTION paddock_tool_calls_text(calls jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT left(coalesce(string_agg(v #>> '{}', ' '), ''), 100000)
  FROM jsonb_path_query(calls, 'strict $.**') AS v
  WHERE jsonb_typeof(v) = 'string'
$$;

-- Index of a turn's duration in UsageRollup.durationHistogram: 0 below 100 ms, then one per
-- factor of 2^(1/4), 64 in all (server/src/history/usage.ts reads them back).
CREATE FUNCTION paddock_duration_bucket(ms double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT least(63, greatest(0, floor(ln(greatest(ms, 1) / 100.0) / ln(2 ^ 0.25))::int + 1))
$$;

-- AlterTable: full-text search over content and tool calls, kept by PostgreSQL itself.
ALTER TABLE "Message" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (
  to_tsvector('english'::regconfig, left("content", 100000))
  || to_tsvector('english'::regconfig, coalesce(paddock_tool_calls_text("toolCalls"), ''))
) STORED;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "failedTurns" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "toolCalls" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "toolNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "totalTokens" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Turn" ADD COLUMN     "compactedAt" TIMESTAMPTZ(3),
ADD COLUMN     "model" VARCHAR(200),
ADD COLUMN     "toolCalls" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "TeamRetention" (
    "teamId" UUID NOT NULL,
    "compactDeltasAfterDays" INTEGER,
    "deleteSessionsAfterDays" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastRunAt" TIMESTAMPTZ(3),
    "compactedTurns" INTEGER NOT NULL DEFAULT 0,
    "deletedSessions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TeamRetention_pkey" PRIMARY KEY ("teamId")
);

-- CreateTable
CREATE TABLE "UsageRollup" (
    "teamId" UUID NOT NULL,
    "period" "UsagePeriod" NOT NULL,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "agentId" UUID NOT NULL,
    "model" VARCHAR(200) NOT NULL,
    "harness" VARCHAR(63) NOT NULL,
    "turns" INTEGER NOT NULL DEFAULT 0,
    "failedTurns" INTEGER NOT NULL DEFAULT 0,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "toolCalls" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "unpricedTurns" INTEGER NOT NULL DEFAULT 0,
    "durationHistogram" INTEGER[],

    CONSTRAINT "UsageRollup_pkey" PRIMARY KEY ("teamId","period","start","agentId","model","harness")
);

-- CreateIndex
CREATE INDEX "Message_searchVector_idx" ON "Message" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "Message_content_idx" ON "Message" USING GIN ("content" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Session_teamId_lastActiveAt_id_idx" ON "Session"("teamId", "lastActiveAt", "id");

-- CreateIndex
CREATE INDEX "Session_teamId_totalTokens_id_idx" ON "Session"("teamId", "totalTokens", "id");

-- CreateIndex
CREATE INDEX "Session_teamId_costUsd_id_idx" ON "Session"("teamId", "costUsd", "id");

-- CreateIndex
CREATE INDEX "Session_toolNames_idx" ON "Session" USING GIN ("toolNames");

-- CreateIndex
CREATE INDEX "Session_title_idx" ON "Session" USING GIN ("title" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Turn_compactedAt_endedAt_idx" ON "Turn"("compactedAt", "endedAt");

-- AddForeignKey
ALTER TABLE "TeamRetention" ADD CONSTRAINT "TeamRetention_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRollup" ADD CONSTRAINT "UsageRollup_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill what turns that ended before this migration would have recorded.
UPDATE "Session" SET "totalTokens" = "inputTokens" + "outputTokens";

UPDATE "Session" s SET "failedTurns" = f.n
FROM (SELECT "sessionId", count(*)::int AS n FROM "Turn" WHERE status = 'FAILED' GROUP BY 1) f
WHERE s.id = f."sessionId";

UPDATE "Session" s SET "toolNames" = c.names, "toolCalls" = c.n
FROM (
  SELECT m."sessionId", array_agg(DISTINCT call->>'name') FILTER (WHERE call->>'name' IS NOT NULL) AS names, count(*)::int AS n
  FROM "Message" m CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(m."toolCalls") = 'array' THEN m."toolCalls" ELSE '[]'::jsonb END) AS call
  GROUP BY 1
) c
WHERE s.id = c."sessionId";

UPDATE "Turn" t SET "model" = m."model",
  "inputTokens" = coalesce(t."inputTokens", m."inputTokens"), "outputTokens" = coalesce(t."outputTokens", m."outputTokens")
FROM "Message" m WHERE m.id = t."assistantMessageId";

WITH done AS (
  SELECT s."teamId", s."agentId", coalesce(t."model", a."model") AS model, a."harnessName" AS harness, t.status,
         coalesce(t."inputTokens", 0) AS "inputTokens", coalesce(t."outputTokens", 0) AS "outputTokens", t."costUsd", t."endedAt",
         paddock_duration_bucket(extract(epoch FROM t."endedAt" - coalesce(t."startedAt", t."createdAt")) * 1000) AS bucket
  FROM "Turn" t JOIN "Session" s ON s.id = t."sessionId" JOIN "Agent" a ON a.id = s."agentId"
  WHERE t.status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND t."endedAt" IS NOT NULL
), periods AS (
  SELECT 'HOUR'::"UsagePeriod" AS period, date_trunc('hour', "endedAt", 'UTC') AS start, done.* FROM done
  UNION ALL
  SELECT 'DAY'::"UsagePeriod", date_trunc('day', "endedAt", 'UTC'), done.* FROM done
)
INSERT INTO "UsageRollup" ("teamId", "period", "start", "agentId", "model", "harness", "turns", "failedTurns", "inputTokens", "outputTokens", "toolCalls", "costUsd", "unpricedTurns", "durationHistogram")
SELECT "teamId", period, start, "agentId", model, harness, count(*)::int, (count(*) FILTER (WHERE status = 'FAILED'))::int,
       sum("inputTokens"), sum("outputTokens"), 0, coalesce(sum("costUsd"), 0), (count(*) FILTER (WHERE "costUsd" IS NULL))::int,
       (SELECT array_agg((SELECT count(*) FROM unnest(array_agg(p.bucket)) AS b WHERE b = i)::int ORDER BY i) FROM generate_series(0, 63) AS i)
FROM periods p
GROUP BY "teamId", period, start, "agentId", model, harness;
