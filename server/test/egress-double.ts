import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { rm } from 'node:fs/promises';
import type { SandboxDriver } from '../src/sandbox/driver.ts';

/**
 * Stands in for Paddock's egress proxy in tests of the sandbox itself: an HTTP forward
 * proxy (absolute-URI requests and CONNECT) on a Unix socket that checks the proxy
 * credentials and lets requests through only to the allowed `host:port`s.
 */
export type EgressDouble = { socketPath: string; proxyToken: string; requests: string[]; close(): Promise<void> };

export async function startEgressDouble(socketPath: string, allow: string[], proxyToken = 'egress-double-token'): Promise<EgressDouble> {
  const expected = `Basic ${Buffer.from(`paddock:${proxyToken}`).toString('base64')}`;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const target = URL.canParse(req.url ?? '') ? new URL(req.url!) : null;
    const hostPort = target ? `${target.hostname}:${target.port || 80}` : '';
    requests.push(`${req.method} ${req.url}`);
    if (req.headers['proxy-authorization'] !== expected) return void res.writeHead(407).end();
    if (!target || !allow.includes(hostPort)) return void res.writeHead(403).end(`egress to ${hostPort} refused`);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = request({ host: target.hostname, port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    requests.push(`CONNECT ${req.url}`);
    if (req.headers['proxy-authorization'] !== expected) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    if (!allow.includes(req.url ?? '')) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    proxyToken,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A driver whose sandboxes get the double as their egress proxy when the platform gives them none. */
export function withEgress(driver: SandboxDriver, egress: EgressDouble): SandboxDriver {
  return {
    kind: driver.kind,
    start: (spec, opts) => driver.start({ ...spec, egress: spec.egress ?? { socketPath: egress.socketPath, proxyToken: egress.proxyToken } }, opts),
    suspend: (name) => driver.suspend(name),
    destroy: (name) => driver.destroy(name),
    list: () => driver.list(),
    close: () => driver.close(),
  };
}
