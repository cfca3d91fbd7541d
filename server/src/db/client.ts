import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/client.ts';

/** The Prisma client every service receives. */
export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;

/**
 * A Prisma client over node-postgres (Prisma 7 has no built-in driver; the adapter owns
 * the pool). Call `$disconnect()` to close the pool.
 */
export function createDb(databaseUrl: string, opts: { poolSize?: number } = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    // pg waits forever for a connection by default; fail a request instead when the
    // database is unreachable or the pool is exhausted.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // 'minimal': error messages name the failure without quoting the calling source.
  return new PrismaClient({ adapter, errorFormat: 'minimal' });
}
