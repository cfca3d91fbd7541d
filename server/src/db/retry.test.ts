import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createDb, type Db } from './client.ts';
import { isTransientDbError } from './errors.ts';
import { persistently, withDbRetry } from './retry.ts';

/** A loopback port nothing listens on: a database that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

let down: Db;
let database: TestDatabase;

beforeAll(async () => {
  down = createDb(`postgresql://paddock:x@127.0.0.1:${await closedPort()}/paddock`, { poolSize: 1 });
  database = await createTestDatabase();
});
afterAll(async () => {
  await down?.$disconnect();
  await database?.drop();
});

describe('database retries', () => {
  it('tells an unreachable database from a bad request', async () => {
    expect(isTransientDbError(await down.team.count().catch((e: unknown) => e))).toBe(true);
    const bad = await database.db.$queryRawUnsafe('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(isTransientDbError(bad)).toBe(false);
  });

  it('reports a database that stays away as a coded, retryable UNAVAILABLE error', async () => {
    let attempts = 0;
    const error = await withDbRetry(() => {
      attempts += 1;
      return down.team.count();
    }, 'Sending the message').catch((e: unknown) => e);
    expect(attempts).toBe(4);
    expect(error).toMatchObject({ extensions: { code: 'UNAVAILABLE', retryable: true } });
    expect((error as Error).message).toMatch(/^Sending the message is unavailable right now.*Try again in a few seconds\.$/);
  });

  it('passes other errors through at once', async () => {
    let attempts = 0;
    const error = await withDbRetry(() => {
      attempts += 1;
      return database.db.$queryRawUnsafe('SELECT * FROM no_such_table');
    }).catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect((error as { extensions?: unknown }).extensions).toBeUndefined();
  });

  it('keeps a must-not-be-lost write going until it succeeds', async () => {
    let attempts = 0;
    const value = await persistently(async () => {
      attempts += 1;
      // Down for the first attempts, then the database is back.
      return attempts < 3 ? down.team.count() : database.db.team.count();
    });
    expect(attempts).toBe(3);
    expect(typeof value).toBe('number');
  });
});
