import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { createDb, type Db } from './client.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';
import { migrate } from './migrate.ts';
import { redactUrl } from './url.ts';

export type Database = { databaseUrl: string; db: Db; close(): Promise<void> };

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/** Turns "cannot reach DATABASE_URL" failures into a message that says what to do. */
function explainConnectionError(error: unknown, url: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const where = `the database at ${redactUrl(url)} (DATABASE_URL)`;
  if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) {
    return new Error(
      `Cannot connect to ${where}: ${message}. Check that PostgreSQL is running and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database.`,
      { cause: error },
    );
  }
  if (/timeout/i.test(message)) {
    return new Error(`Timed out connecting to ${where}. Check the host, port and firewall, or unset DATABASE_URL to use the embedded database.`, {
      cause: error,
    });
  }
  if (code === '28P01' || code === '28000')
    return new Error(`${where} rejected the credentials: ${message}. Fix the user/password in DATABASE_URL.`, { cause: error });
  if (code === '3D000')
    return new Error(`${where} does not exist: ${message}. Create it (CREATE DATABASE …) or point DATABASE_URL at an existing one.`, { cause: error });
  return error;
}

/**
 * The database every Paddock process (API, worker, CLI) opens first: `DATABASE_URL` if
 * set, otherwise the embedded PostgreSQL under the data dir; migrated to this build's
 * schema before any client is handed out.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolSize'>, log: Logger): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
    databaseUrl = embedded.databaseUrl;
  }
  try {
    await migrate(databaseUrl, log);
  } catch (error) {
    await embedded?.stop();
    throw embedded ? error : explainConnectionError(error, databaseUrl);
  }
  const db = createDb(databaseUrl, { poolSize: config.dbPoolSize });
  log.info({ database: redactUrl(databaseUrl), embedded: Boolean(embedded) }, 'database ready');
  let closing: Promise<void> | undefined;
  return {
    databaseUrl,
    db,
    close() {
      closing ??= (async () => {
        await db.$disconnect();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}
