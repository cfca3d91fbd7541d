-- AlterTable
ALTER TABLE "AgentSecret" ADD COLUMN     "hosts" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "egressTokenCipher" TEXT,
ADD COLUMN     "egressTokenHash" VARCHAR(64);

-- CreateTable
CREATE TABLE "EgressAuthority" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "certPem" TEXT NOT NULL,
    "keyCipher" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EgressAuthority_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Sandbox_egressTokenHash_key" ON "Sandbox"("egressTokenHash");
