import pg from 'pg';

/**
 * Runs `fn` on a short-lived connection of its own (maintenance work: creating
 * databases, migration bookkeeping), outside any pool, and always closes it.
 */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>, connectTimeoutMs = 10_000): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => {}); // a dropped connection surfaces as a failed query instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}
