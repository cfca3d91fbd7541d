-- CreateEnum
CREATE TYPE "AutomationSessionMode" AS ENUM ('NEW_SESSION', 'REUSE_SESSION');

-- CreateEnum
CREATE TYPE "ScheduleOverlap" AS ENUM ('SKIP', 'QUEUE');

-- CreateEnum
CREATE TYPE "AutomationRunOutcome" AS ENUM ('PENDING', 'STARTED', 'QUEUED', 'SKIPPED', 'MISSED', 'FAILED');

-- CreateEnum
CREATE TYPE "TriggerKind" AS ENUM ('HTTP', 'GITHUB');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "Schedule" (
    "id" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "cron" VARCHAR(200) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "prompt" TEXT NOT NULL,
    "sessionMode" "AutomationSessionMode" NOT NULL,
    "overlap" "ScheduleOverlap" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "nextRunAt" TIMESTAMPTZ(3),
    "sessionId" UUID,
    "runCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduleRun" (
    "id" UUID NOT NULL,
    "scheduleId" UUID NOT NULL,
    "runNumber" INTEGER NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3) NOT NULL,
    "firedAt" TIMESTAMPTZ(3),
    "sessionId" UUID,
    "outcome" "AutomationRunOutcome" NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScheduleRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Trigger" (
    "id" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "kind" "TriggerKind" NOT NULL,
    "prompt" TEXT NOT NULL,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sessionMode" "AutomationSessionMode" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secretHash" CHAR(64),
    "secretCipher" TEXT,
    "sessionId" UUID,
    "runCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Trigger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriggerRun" (
    "id" UUID NOT NULL,
    "triggerId" UUID NOT NULL,
    "runNumber" INTEGER NOT NULL,
    "deliveryId" VARCHAR(100),
    "event" VARCHAR(100),
    "prompt" TEXT NOT NULL,
    "sessionId" UUID,
    "outcome" "AutomationRunOutcome" NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firedAt" TIMESTAMPTZ(3),

    CONSTRAINT "TriggerRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Webhook" (
    "id" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "agentId" UUID,
    "url" VARCHAR(2000) NOT NULL,
    "events" TEXT[],
    "secretCipher" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledReason" TEXT,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "webhookId" UUID NOT NULL,
    "eventKey" VARCHAR(200) NOT NULL,
    "eventType" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatusCode" INTEGER,
    "lastLatencyMs" INTEGER,
    "lastError" TEXT,
    "responseBody" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookAttempt" (
    "id" UUID NOT NULL,
    "deliveryId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "statusCode" INTEGER,
    "latencyMs" INTEGER NOT NULL,
    "error" TEXT,
    "responseBody" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Schedule_teamId_id_idx" ON "Schedule"("teamId", "id");

-- CreateIndex
CREATE INDEX "Schedule_enabled_nextRunAt_idx" ON "Schedule"("enabled", "nextRunAt");

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_agentId_name_key" ON "Schedule"("agentId", "name");

-- CreateIndex
CREATE INDEX "ScheduleRun_scheduleId_id_idx" ON "ScheduleRun"("scheduleId", "id");

-- CreateIndex
CREATE INDEX "ScheduleRun_outcome_createdAt_idx" ON "ScheduleRun"("outcome", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduleRun_scheduleId_scheduledAt_key" ON "ScheduleRun"("scheduleId", "scheduledAt");

-- CreateIndex
CREATE INDEX "Trigger_teamId_id_idx" ON "Trigger"("teamId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Trigger_agentId_name_key" ON "Trigger"("agentId", "name");

-- CreateIndex
CREATE INDEX "TriggerRun_triggerId_id_idx" ON "TriggerRun"("triggerId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "TriggerRun_triggerId_deliveryId_key" ON "TriggerRun"("triggerId", "deliveryId");

-- CreateIndex
CREATE INDEX "Webhook_teamId_id_idx" ON "Webhook"("teamId", "id");

-- CreateIndex
CREATE INDEX "Webhook_teamId_enabled_idx" ON "Webhook"("teamId", "enabled");

-- CreateIndex
CREATE INDEX "WebhookDelivery_webhookId_id_idx" ON "WebhookDelivery"("webhookId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_webhookId_eventKey_key" ON "WebhookDelivery"("webhookId", "eventKey");

-- CreateIndex
CREATE INDEX "WebhookAttempt_deliveryId_attempt_idx" ON "WebhookAttempt"("deliveryId", "attempt");

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduleRun" ADD CONSTRAINT "ScheduleRun_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduleRun" ADD CONSTRAINT "ScheduleRun_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriggerRun" ADD CONSTRAINT "TriggerRun_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriggerRun" ADD CONSTRAINT "TriggerRun_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Webhook" ADD CONSTRAINT "Webhook_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Webhook" ADD CONSTRAINT "Webhook_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookAttempt" ADD CONSTRAINT "WebhookAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "WebhookDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Outbound webhooks: session events a webhook subscribes to are handed to the job queue in
-- the transaction that stores them (an outbox), so no producer needs to know about webhooks
-- and a crash between storing and delivering loses nothing. Statement-level, so a batch of
-- events costs one check; the queue's schema is created after these migrations, hence the guard.
CREATE FUNCTION "paddock_webhook_fanout"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF to_regnamespace('graphile_worker') IS NULL OR NOT EXISTS (SELECT 1 FROM "Webhook" WHERE "enabled") THEN
    RETURN NULL;
  END IF;
  PERFORM graphile_worker.add_job('webhook-fanout', json_build_object('sessionId', e."sessionId", 'seq', e."seq"), max_attempts := 25)
  FROM "paddock_new_events" e
  JOIN "Session" s ON s."id" = e."sessionId"
  WHERE e."type" IN ('turn.completed', 'turn.failed', 'session.status', 'egress.blocked')
    AND EXISTS (
      SELECT 1 FROM "Webhook" w
      WHERE w."teamId" = s."teamId" AND w."enabled" AND e."type" = ANY (w."events")
        AND (w."agentId" IS NULL OR w."agentId" = s."agentId")
    );
  RETURN NULL;
END
$$;

CREATE TRIGGER "SessionEvent_webhook_fanout"
  AFTER INSERT ON "SessionEvent"
  REFERENCING NEW TABLE AS "paddock_new_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "paddock_webhook_fanout"();
