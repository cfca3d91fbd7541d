import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createLogger } from '../log/index.ts';
import {
  diffSchemaFromDatabase,
  diffSchemaFromMigrations,
  markMigrationRolledBack,
  migrate,
  MIGRATIONS_DIR,
  pendingMigrations,
  readMigrations,
} from './migrate.ts';

const log = createLogger('migrations-test', 'silent');
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function database(options?: { migrated?: boolean }): Promise<TestDatabase> {
  const created = await createTestDatabase(options);
  cleanup.push(() => created.drop());
  return created;
}

/** The real migrations plus `extra` ones, in a scratch directory. */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-migrations-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const realMigrations = async () => (await readMigrations()).migrationDirectories.map((d) => d.path);

describe('schema.prisma and prisma/migrations', () => {
  it('agree (if not: pnpm --filter @paddock/server db:migration:create <name>)', async () => {
    const sql = await diffSchemaFromMigrations(inject('paddockTestDb').serverUrl);
    expect(sql, 'schema.prisma has changes no migration contains; create one with db:migration:create').toBe('');
  });

  it('a database migrated by migrate() matches schema.prisma exactly', async () => {
    const { databaseUrl } = await database();
    expect(await diffSchemaFromDatabase(databaseUrl)).toBe('');
  });
});

describe('migrate', () => {
  it('is idempotent and safe when several processes run it at once', async () => {
    const { databaseUrl } = await database({ migrated: false });
    const names = await realMigrations();
    expect(names.length).toBeGreaterThan(0);
    expect(await pendingMigrations(databaseUrl)).toEqual(names);

    const results = await Promise.all([migrate(databaseUrl, log), migrate(databaseUrl, log), migrate(databaseUrl, log)]);
    // Exactly one run applied everything; the others waited on the lock and found nothing to do.
    expect(results.flatMap((r) => r.applied)).toEqual(names);
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);

    const rows = await query<{ migration_name: string; finished: boolean }>(
      databaseUrl,
      'SELECT migration_name, finished_at IS NOT NULL AS finished FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows).toEqual(names.map((migration_name) => ({ migration_name, finished: true })));

    expect(await migrate(databaseUrl, log)).toEqual({ applied: [] });
    expect(await pendingMigrations(databaseUrl)).toEqual([]);
  });

  it('reports a new migration as pending until it is applied, and runs it as one script', async () => {
    const { databaseUrl } = await database();
    // `;` inside a dollar-quoted body must not split the script.
    const dir = await migrationsWith({
      '99990101000000_extra': 'CREATE TABLE "Extra" (id INT);\nDO $$ BEGIN INSERT INTO "Extra" VALUES (1); INSERT INTO "Extra" VALUES (2); END $$;\n',
    });
    expect(await pendingMigrations(databaseUrl)).toEqual([]);
    expect(await pendingMigrations(databaseUrl, { migrationsDir: dir })).toEqual(['99990101000000_extra']);

    expect(await migrate(databaseUrl, log, { migrationsDir: dir })).toEqual({ applied: ['99990101000000_extra'] });
    expect(await pendingMigrations(databaseUrl, { migrationsDir: dir })).toEqual([]);
    expect(await query(databaseUrl, 'SELECT id FROM "Extra" ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('leaves nothing behind when a migration fails, and retries it once marked rolled back', async () => {
    const { databaseUrl } = await database();
    const name = '99990101000000_broken';
    const dir = await migrationsWith({ [name]: 'CREATE TABLE "Half" (id INT);\nSELECT 1/0;\n' });

    await expect(migrate(databaseUrl, log, { migrationsDir: dir })).rejects.toThrow(/division by zero/);
    await expect(migrate(databaseUrl, log, { migrationsDir: dir })).rejects.toThrow(name);
    expect(await query(databaseUrl, `SELECT to_regclass('"Half"') AS t`)).toEqual([{ t: null }]);
    expect(await pendingMigrations(databaseUrl, { migrationsDir: dir })).toEqual([name]);

    await writeFile(path.join(dir, name, 'migration.sql'), 'CREATE TABLE "Half" (id INT);\n');
    await markMigrationRolledBack(databaseUrl, name);
    expect(await migrate(databaseUrl, log, { migrationsDir: dir })).toEqual({ applied: [name] });
    expect(await pendingMigrations(databaseUrl, { migrationsDir: dir })).toEqual([]);
  });
});
