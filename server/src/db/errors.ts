/** Postgres unique_violation, however Prisma surfaces it (P2002, or the raw code through the adapter). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return e.code === 'P2002' || e.code === '23505' || e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
}
