import type pg from 'pg';

/** How long a run may hold its lock by default before PostgreSQL takes it back. */
const HOLD_LIMIT_MS = 120_000;

/**
 * Runs `fn` unless a run under the same name is under way anywhere on this database, in
 * this process or another; resolves false when it skipped. The lock is a transaction
 * advisory lock on a pooled connection of its own that stays idle in its transaction for
 * the run, so PostgreSQL ends it, and the lock with it, when the holder dies or stops
 * answering (a frozen worker) for longer than `holdLimitMs`. A run that outlasts the
 * limit finishes, only no longer alone.
 */
export async function runExclusive(pool: pg.Pool, name: string, fn: () => Promise<void>, { holdLimitMs = HOLD_LIMIT_MS } = {}): Promise<boolean> {
  const client = await pool.connect();
  // A checked-out client has no listener of the pool's: without this one, a connection
  // ended mid-run would be an uncaught error.
  let lost = false;
  const onError = () => void (lost = true);
  client.on('error', onError);
  let clean = false;
  try {
    await client.query(`BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.round(holdLimitMs))}`);
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`paddock:exclusive:${name}`]);
    if (rows[0]?.locked !== true) {
      await client.query('ROLLBACK');
      clean = true;
      return false;
    }
    try {
      await fn();
    } finally {
      clean =
        !lost &&
        (await client.query('COMMIT').then(
          () => true,
          () => false,
        ));
    }
    return true;
  } finally {
    // A connection that did not end its transaction is closed rather than pooled. It keeps
    // the listener, for errors that arrive while it closes.
    if (clean) client.removeListener('error', onError);
    client.release(!clean);
  }
}
