/**
 * `pnpm --filter @paddock/server db:migration:create <name>`: writes
 * prisma/migrations/<UTC timestamp>_<name>/migration.sql with the SQL that takes the
 * existing migrations to schema.prisma (review it, then commit it with the schema change).
 *
 * The existing migrations are replayed into a scratch database on a throwaway embedded
 * PostgreSQL, so this needs neither a running Paddock nor DATABASE_URL, and never touches
 * real data.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { logLevel } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { diffSchemaFromMigrations, MIGRATION_LOCK, MIGRATIONS_DIR, SCHEMA_PATH } from './migrate.ts';

/** 20260102150405 */
function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function main(argv: string[]): Promise<number> {
  const raw = argv.join('_').trim();
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) {
    process.stderr.write('Usage: pnpm --filter @paddock/server db:migration:create <name>   (e.g. add_session_tags)\n');
    return 2;
  }

  const log = createLogger('paddock-migrations', logLevel(process.env, 'warn'), 'stderr');
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'paddock-migration-'));
  await chmod(scratch, 0o755); // reachable by the `postgres` user when running as root
  let sql: string;
  try {
    const server = await startEmbeddedPostgres({ dataDir: scratch, log, port: 0, durable: false, database: 'postgres' });
    try {
      sql = await diffSchemaFromMigrations(server.serverUrl);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  if (!sql) {
    process.stdout.write(
      `no changes: the migrations in ${path.relative(process.cwd(), MIGRATIONS_DIR)} already match ${path.relative(process.cwd(), SCHEMA_PATH)}\n`,
    );
    return 0;
  }

  await mkdir(MIGRATIONS_DIR, { recursive: true });
  // Names sort by timestamp; never sort before an existing migration (clock skew, same second).
  const existing = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name.slice(0, 14))
    .sort();
  let stamp = utcTimestamp(new Date());
  const latest = existing.at(-1);
  if (latest && /^\d{14}$/.test(latest) && stamp <= latest) stamp = String(BigInt(latest) + 1n);

  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir);
  await writeFile(path.join(dir, 'migration.sql'), `${sql}\n`);
  await writeFile(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), MIGRATION_LOCK);
  process.stdout.write(`created ${path.relative(process.cwd(), path.join(dir, 'migration.sql'))}\n${sql}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
