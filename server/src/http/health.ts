import type { ServerResponse } from 'node:http';
import { pendingMigrations } from '../db/migrate.ts';
import type { Services } from '../services.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `/readyz`: the database answers and every migration this build knows is applied. */
export async function readiness(services: Services, databaseUrl: string): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = {};
  try {
    await services.db.$queryRaw`SELECT 1`;
    checks.database = 'ok';
    const pending = await pendingMigrations(databaseUrl);
    checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
  } catch (error) {
    checks.database = `unreachable: ${(error as Error).message}`;
  }
  return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
}
