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
  return (
    typeof e.message === 'string' &&
    /terminating connection due to administrator command|Client has encountered a connection error and is not queryable|Connection terminated/.test(e.message)
  );
}

/**
 * Prisma, driver-adapter, node-postgres and PostgreSQL codes of failures that say
 * nothing about the request itself: the database was unreachable, restarting, the pool
 * had no connection in time, or the transaction lost a conflict. Retrying may succeed.
 */
const TRANSIENT_CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'P2028',
  'P2034',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '40001',
  '40P01',
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const TRANSIENT_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TransactionWriteConflict',
  'TooManyConnections',
  'DatabaseUnavailable',
]);
const TRANSIENT_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Unable to start a transaction in the given time|Transaction already closed|Connection is closed|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error/i;

export function isTransientDbError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const candidate = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      kind?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
    };
    if (typeof candidate.code === 'string' && TRANSIENT_CODES.has(candidate.code)) return true;
    const kind = candidate.meta?.driverAdapterError?.cause?.kind ?? candidate.kind;
    if (typeof kind === 'string' && TRANSIENT_KINDS.has(kind)) return true;
    const original = candidate.meta?.driverAdapterError?.cause?.originalCode;
    if (typeof original === 'string' && TRANSIENT_CODES.has(original)) return true;
    if (typeof candidate.message === 'string' && TRANSIENT_MESSAGE.test(candidate.message)) return true;
    e = candidate.cause;
  }
  return false;
}
