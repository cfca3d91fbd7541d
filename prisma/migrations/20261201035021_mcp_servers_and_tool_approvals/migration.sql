-- CreateEnum
CREATE TYPE "McpTransport" AS ENUM ('STREAMABLE_HTTP', 'SSE');

-- CreateEnum
CREATE TYPE "ToolApprovalStatus" AS ENUM ('PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED');

-- AlterEnum
ALTER TYPE "SessionStatus" ADD VALUE 'AWAITING_APPROVAL';

-- AlterEnum
ALTER TYPE "TurnStatus" ADD VALUE 'AWAITING_APPROVAL';

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "toolPolicy" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Turn" ADD COLUMN     "queuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "AgentMcpServer" (
    "agentId" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "position" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "transport" "McpTransport" NOT NULL DEFAULT 'STREAMABLE_HTTP',
    "headers" JSONB NOT NULL DEFAULT '[]',
    "allowedTools" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "AgentMcpServer_pkey" PRIMARY KEY ("agentId","name")
);

-- CreateTable
CREATE TABLE "ToolApproval" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "turnId" UUID NOT NULL,
    "toolCallId" VARCHAR(128) NOT NULL,
    "tool" VARCHAR(200) NOT NULL,
    "server" VARCHAR(63),
    "input" JSONB NOT NULL,
    "rule" JSONB NOT NULL,
    "status" "ToolApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "decidedBy" VARCHAR(100),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ToolApproval_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ToolApproval_sessionId_status_idx" ON "ToolApproval"("sessionId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ToolApproval_turnId_toolCallId_key" ON "ToolApproval"("turnId", "toolCallId");

-- AddForeignKey
ALTER TABLE "AgentMcpServer" ADD CONSTRAINT "AgentMcpServer_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolApproval" ADD CONSTRAINT "ToolApproval_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;
