-- AlterTable
ALTER TABLE "Turn" ADD COLUMN     "firstTokenAt" TIMESTAMPTZ(3),
ADD COLUMN     "inputTokens" INTEGER,
ADD COLUMN     "outputTokens" INTEGER,
ADD COLUMN     "sandboxLaunch" VARCHAR(20),
ADD COLUMN     "sandboxReadyAt" TIMESTAMPTZ(3),
ADD COLUMN     "steps" JSONB,
ADD COLUMN     "traceContext" JSONB;
