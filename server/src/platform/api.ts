import path from 'node:path';
import { existsSync } from 'node:fs';
import { schema } from '../graphql/schema.ts';
import { startHttpServer, type HttpServer } from '../http/server.ts';
import type { Platform } from './open.ts';

const DASHBOARD_DIR = path.resolve(import.meta.dirname, '../../../web/dist');

/** The API process: GraphQL over HTTP and WebSocket, health endpoints, the built dashboard. */
export async function startApi(platform: Platform, opts: { port?: number } = {}): Promise<HttpServer> {
  const { config } = platform.services;
  return startHttpServer({
    schema,
    services: platform.services,
    databaseUrl: platform.databaseUrl,
    port: opts.port ?? config.port,
    host: config.host,
    dashboardDir: existsSync(path.join(DASHBOARD_DIR, 'index.html')) ? DASHBOARD_DIR : undefined,
  });
}
