-- AlterTable
ALTER TABLE "Sandbox" ADD COLUMN     "commandTokenHash" VARCHAR(64);

-- CreateIndex
CREATE UNIQUE INDEX "Sandbox_commandTokenHash_key" ON "Sandbox"("commandTokenHash");
