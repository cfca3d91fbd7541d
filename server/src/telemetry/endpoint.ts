import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/index.ts';
import { metricsEnabled, scrape } from './metrics.ts';

/**
 * Answers `GET /metrics` in the Prometheus text format. With a token configured
 * (`PADDOCK_METRICS_TOKEN`), only `Authorization: Bearer <token>` gets them.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, token: string | undefined): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET /metrics.\n');
    return;
  }
  if (!metricsEnabled()) {
    res
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end('Metrics are off on this server (PADDOCK_METRICS=off); set PADDOCK_METRICS=on to serve them here.\n');
    return;
  }
  if (token && !bearerMatches(req.headers.authorization, token)) {
    res
      .writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8' })
      .end('Send the metrics token (PADDOCK_METRICS_TOKEN) as "Authorization: Bearer <token>".\n');
    return;
  }
  const { contentType, body } = await scrape();
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A worker process's own listener: `/metrics` and nothing else. */
export async function startMetricsServer(opts: {
  host: string;
  port: number;
  token: string | undefined;
  log: Logger;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only /metrics is served here.\n');
      return;
    }
    serveMetrics(req, res, opts.token).catch((error: unknown) => {
      opts.log.error({ err: error }, 'collecting metrics failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Collecting metrics failed; see the log.\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
