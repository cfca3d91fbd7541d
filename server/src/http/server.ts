import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../services.ts';
import { adminKeyLocation } from '../teams/service.ts';
import { readiness, sendJson } from './health.ts';
import { serveStatic } from './static.ts';
import { attachWebSocket } from './websocket.ts';
import { Throttle } from './throttle.ts';
import { createGraphqlServer } from './yoga.ts';
import { serveGraphiqlAsset } from './graphiql.ts';
import { PortInUseError } from './port.ts';
import { sqlPool } from '../db/index.ts';
import { handleExportRequest } from '../history/export.ts';
import { serveMetrics } from '../telemetry/endpoint.ts';
import { handleTriggerRequest } from './triggers.ts';

/** NDJSON export of a team's sessions (docs/export.md). */
export const EXPORT_PATH = '/export/sessions.ndjson';

export type HttpServer = { url: string; port: number; close(): Promise<void> };

/**
 * One port for everything: `/graphql` (HTTP and graphql-ws), `/export/sessions.ndjson`, `/healthz`,
 * `/readyz`, `/metrics` (Prometheus), `/signin-hint`, inbound triggers at `/triggers/{id}` and the dashboard at `/`.
 */
export async function startHttpServer(opts: {
  schema: GraphQLSchema;
  services: Services;
  databaseUrl: string;
  port: number;
  host: string;
  dashboardDir?: string | undefined;
}): Promise<HttpServer> {
  const { services } = opts;
  const log = services.log.child({ component: 'http' });
  const throttle = new Throttle(services.config.limits, services.config.trustProxyHops);
  const yoga = createGraphqlServer(opts.schema, services, throttle);
  const maxBody = services.config.limits.maxBodyBytes;

  const fail = (res: ServerResponse, status: number, message: string, code: string, extensions: Record<string, unknown> = {}) =>
    sendJson(res, status, { errors: [{ message, extensions: { code, ...extensions } }] });

  /** Bulk export for tooling: any key of a team (VIEWER is enough) exports that team's sessions. */
  const exportSessions = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return fail(res, 405, `Use GET ${EXPORT_PATH}?since=…&until=….`, 'BAD_USER_INPUT');
    }
    const address = throttle.addressOf(req);
    const wait = await throttle.authBlockedFor(address);
    if (wait > 0) {
      res.setHeader('retry-after', String(wait));
      return fail(res, 429, `Too many failed authentications from this address; retry in ${wait} s.`, 'RATE_LIMITED', { retryAfter: wait });
    }
    const { viewer, keyRejected } = await services.auth.identify(req.headers.authorization);
    const client = { address, userAgent: req.headers['user-agent'] ?? null };
    if (!viewer) {
      if (keyRejected) {
        services.audit.authFailure(client, 'http');
        await throttle.authFailed(address);
      }
      return fail(
        res,
        401,
        keyRejected ? 'This API key is not valid: it was revoked or never existed.' : 'Send an API key as "Authorization: Bearer <key>".',
        'UNAUTHENTICATED',
      );
    }
    const keyWait = await throttle.keyRequest(viewer.keyId);
    if (keyWait > 0) {
      res.setHeader('retry-after', String(keyWait));
      return fail(res, 429, `This API key is over its request rate (PADDOCK_KEY_REQUESTS_PER_SECOND); retry in ${keyWait} s.`, 'RATE_LIMITED', {
        retryAfter: keyWait,
      });
    }
    services.audit.keyUsed(viewer, client);
    await handleExportRequest(
      req,
      res,
      sqlPool(services.db),
      viewer.teamId,
      (status, message, code) => fail(res, status, message, code),
      // A bulk read of the team's history is on its audit log, with the window asked for.
      (range) =>
        services.audit.recordLater({
          action: 'session.export',
          outcome: 'SUCCESS',
          actor: viewer,
          client,
          detail: { since: range.since.toISOString(), until: range.until.toISOString(), ...(range.cursor ? { cursor: range.cursor } : {}) },
        }),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/metrics') return serveMetrics(req, res, services.config.metrics.token);
    if (path === '/readyz') {
      const result = await readiness(services, opts.databaseUrl);
      return sendJson(res, result.ready ? 200 : 503, result);
    }
    // Unauthenticated on purpose: the sign-in page tells where the admin key is (a path, never the key).
    if (path === '/signin-hint') return sendJson(res, 200, { adminKey: adminKeyLocation(services.config.adminKey, services.config.dataDir) });
    if ((req.method === 'GET' || req.method === 'HEAD') && serveGraphiqlAsset(path, res)) return;
    if (path === EXPORT_PATH) return exportSessions(req, res);
    if (path.startsWith('/triggers/')) {
      return handleTriggerRequest(req, res, { triggers: services.triggers, throttle, maxBodyBytes: services.config.automations.triggerMaxBodyBytes, log });
    }
    if (path === '/graphql' || path.startsWith('/graphql/')) {
      if (req.headers.authorization) {
        const wait = await throttle.authBlockedFor(throttle.addressOf(req));
        if (wait > 0) {
          res.setHeader('retry-after', String(wait));
          return sendJson(res, 429, {
            errors: [
              { message: `Too many failed authentications from this address; retry in ${wait} s.`, extensions: { code: 'RATE_LIMITED', retryAfter: wait } },
            ],
          });
        }
      }
      if (req.method === 'POST') {
        const length = Number(req.headers['content-length']);
        if (req.headers['content-length'] === undefined) {
          return sendJson(res, 411, { errors: [{ message: 'Send a Content-Length header with the request body.', extensions: { code: 'BAD_USER_INPUT' } }] });
        }
        if (length > maxBody) {
          return sendJson(res, 413, {
            errors: [{ message: `Request body is ${length} bytes; the limit is ${maxBody}.`, extensions: { code: 'BAD_USER_INPUT' } }],
          });
        }
      }
      return yoga.handle(req, res);
    }
    if (opts.dashboardDir && (req.method === 'GET' || req.method === 'HEAD')) return serveStatic(opts.dashboardDir, path, res);
    return sendJson(res, 404, { error: `Nothing at ${path}. The API is at /graphql.` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error; see the server log.' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  const ws = attachWebSocket(server, yoga, services, throttle);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(opts.host, opts.port) : error));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async close() {
      await ws.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
