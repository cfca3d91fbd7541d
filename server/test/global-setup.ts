/**
 * Once per `vitest run`: the harness runtime's bundle, built from the source under test
 * (what local sandboxes run); one PostgreSQL for the whole suite (a throwaway embedded cluster,
 * or the server in PADDOCK_TEST_DATABASE_URL, e.g. a CI service container) and one
 * migrated template database that test files clone (test/db.ts).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { quoteIdent, withDatabase } from '../src/db/url.ts';
import { withClient } from '../src/db/with-client.ts';
import { createLogger } from '../src/log/index.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = createLogger('paddock-test-db', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'warn');
  const started = Date.now();
  await promisify(execFile)(process.execPath, [path.resolve(import.meta.dirname, '../../harnesses/runtime/build.mjs')]);
  let embedded: EmbeddedPostgres | undefined;
  let scratch: string | undefined;
  let serverUrl = process.env.PADDOCK_TEST_DATABASE_URL;
  if (!serverUrl) {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'paddock-test-pg-'));
    await chmod(scratch, 0o755); // reachable by the `postgres` user when running as root
    embedded = await startEmbeddedPostgres({ dataDir: scratch, log, port: 0, durable: false, database: 'postgres' });
    serverUrl = embedded.serverUrl;
  }

  // Unique per run, so runs sharing an external server never collide.
  const prefix = `pdk_t${randomBytes(4).toString('hex')}`;
  const template = `${prefix}_template`;
  const url = serverUrl;
  const sweep = () =>
    withClient(url, async (client) => {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    });
  const teardown = async () => {
    try {
      if (!embedded) await sweep(); // a throwaway cluster is deleted whole
    } finally {
      await embedded?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  };

  try {
    await withClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(template)}`));
    await migrate(withDatabase(url, template), log);
  } catch (error) {
    await teardown();
    throw error;
  }
  log.info({ ms: Date.now() - started, template }, 'test database server ready');
  project.provide('paddockTestDb', { serverUrl: url, template, prefix });
  return teardown;
}
