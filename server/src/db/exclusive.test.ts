import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { sqlPool } from './client.ts';
import { runExclusive } from './exclusive.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** A run that holds its lock until `finish` is called. */
function heldRun(pool: ReturnType<typeof sqlPool>, name: string, holdLimitMs?: number) {
  let finish!: () => void;
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const done = runExclusive(
    pool,
    name,
    async () => {
      entered();
      await new Promise<void>((resolve) => (finish = resolve));
    },
    { holdLimitMs },
  );
  return { inside, done, finish: () => finish() };
}

describe('runExclusive', () => {
  it('skips a run while another under the same name is under way, and runs again once it is done', async () => {
    const pool = sqlPool(database.db);
    const first = heldRun(pool, 'housekeeping');
    await first.inside;
    let ran = false;
    expect(await runExclusive(pool, 'housekeeping', async () => void (ran = true))).toBe(false);
    expect(ran).toBe(false);
    // Another name is not held back.
    expect(await runExclusive(pool, 'other', async () => void (ran = true))).toBe(true);
    expect(ran).toBe(true);
    first.finish();
    expect(await first.done).toBe(true);
    expect(await runExclusive(pool, 'housekeeping', async () => undefined)).toBe(true);
  });

  it('lets the lock go when the run fails', async () => {
    const pool = sqlPool(database.db);
    await expect(runExclusive(pool, 'failing', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await runExclusive(pool, 'failing', async () => undefined)).toBe(true);
  });

  it('lets the lock go when the holder loses its connection, as a worker that dies does', async () => {
    const pool = sqlPool(database.db);
    const held = heldRun(pool, 'orphaned');
    await held.inside;
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = hashtext('paddock:exclusive:orphaned')::oid`,
    );
    await expect.poll(() => runExclusive(pool, 'orphaned', async () => undefined)).toBe(true);
    held.finish();
    await held.done;
  });

  it('lets the lock go when the holder stops answering for longer than the hold limit, as a frozen worker does', async () => {
    const pool = sqlPool(database.db);
    const frozen = heldRun(pool, 'frozen', 1_000);
    await frozen.inside;
    expect(await runExclusive(pool, 'frozen', async () => undefined)).toBe(false);
    await expect.poll(() => runExclusive(pool, 'frozen', async () => undefined), { timeout: 30_000, interval: 250 }).toBe(true);
    frozen.finish();
    await frozen.done;
    // The pool is left with working connections only.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
