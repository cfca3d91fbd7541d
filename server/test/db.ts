/**
 * A fresh PostgreSQL database per test file, cloned from the template the global setup
 * migrated once (test/global-setup.ts). Cloning with CREATE DATABASE … TEMPLATE copies
 * files instead of replaying migrations, so it stays fast however many migrations exist.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../src/db/client.ts';
import { quoteIdent, withDatabase } from '../src/db/url.ts';
import { withClient } from '../src/db/with-client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    paddockTestDb: {
      /** URL of a maintenance database on the test server; the role may create databases. */
      serverUrl: string;
      /** Migrated database every test database is cloned from. */
      template: string;
      /** Prefix of every database this run creates, so teardown can sweep leftovers. */
      prefix: string;
    };
  }
}

export type TestDatabase = { databaseUrl: string; db: Db; drop(): Promise<void> };

let counter = 0;

/** Runs `fn` on a short-lived connection to the test server's maintenance database. */
export async function withServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(inject('paddockTestDb').serverUrl, fn);
}

/** A unique database name for this run (Postgres allows 63 bytes). */
export function testDatabaseName(): string {
  return `${inject('paddockTestDb').prefix}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
}

/**
 * Creates a database for one test file. Migrated (from the template) by default;
 * `{ migrated: false }` gives an empty one, for testing migrations themselves.
 * Always `drop()` it in `afterAll`.
 */
export async function createTestDatabase(options: { migrated?: boolean; poolSize?: number } = {}): Promise<TestDatabase> {
  const { serverUrl, template } = inject('paddockTestDb');
  const name = testDatabaseName();
  const source = options.migrated === false ? 'template0' : template;
  await withServer(async (client) => {
    // Cloning fails while anything is connected to the template; the global setup's own
    // connections may still be closing for a moment after it migrated.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(source)}`);
        return;
      } catch (error) {
        if (!(error instanceof pg.DatabaseError && error.code === '55006') || attempt >= 50) throw error;
        await sleep(100);
      }
    }
  });
  const databaseUrl = withDatabase(serverUrl, name);
  const db = createDb(databaseUrl, { poolSize: options.poolSize ?? 5 });
  let dropped: Promise<void> | undefined;
  return {
    databaseUrl,
    db,
    drop() {
      dropped ??= (async () => {
        await db.$disconnect();
        await withServer((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
      })();
      return dropped;
    },
  };
}
