import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from './generated/client.ts';

/** The Prisma client every service receives. */
export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;

const pools = new WeakMap<Db, pg.Pool>();

/**
 * A Prisma client over node-postgres (Prisma 7 has no built-in driver; the adapter owns
 * the pool). Call `$disconnect()` to close the pool.
 */
export function createDb(databaseUrl: string, opts: { poolSize?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    // pg waits forever for a connection by default; fail a request instead when the
    // database is unreachable or the pool is exhausted.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that drops (the database restarting) is removed by the pool and
  // the next query opens another. The listener must exist before Prisma's, which comes
  // only with its first query: the SQL modules may use the pool before that.
  pool.on('error', () => undefined);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // 'minimal': error messages name the failure without quoting the calling source.
  const db = new PrismaClient({ adapter, errorFormat: 'minimal' });
  pools.set(db, pool);
  return db;
}

/**
 * The node-postgres pool under `db`, for the hot reads that each domain's data-access
 * module runs as plain SQL (Prisma's query layer costs more CPU than the query itself there).
 */
export function sqlPool(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('sqlPool: this client was not made by createDb');
  return pool;
}
