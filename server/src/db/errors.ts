/** Postgres unique_violation, however Prisma surfaces it (P2002, or the raw code through the adapter). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return e.code === 'P2002' || e.code === '23505' || e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation';
}

/**
 * The database is shutting down (57P01 admin_shutdown and kin) or a client it dropped
 * was used again. Expected on every stop: Ctrl-C reaches the embedded PostgreSQL in the
 * same process group as Paddock, so it closes connections while Paddock drains.
 */
export function isDatabaseShutdown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown };
  if (e.code === '57P01' || e.code === '57P02' || e.code === '57P03') return true;
  return typeof e.message === 'string' && /terminating connection due to administrator command|Client has encountered a connection error and is not queryable|Connection terminated/.test(e.message);
}
