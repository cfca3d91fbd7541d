import { createHash, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../log/index.ts';

export type Upstream = { host: string; port: number };

export type GatewayRoute = {
  /** The per-session token the worker presents (SandboxSpec.token). */
  sessionToken: string;
  /** The token the runtime itself requires, from the agent's runtime Secret. */
  runtimeToken: string;
  /** Where the runtime answers right now: the pod IP, or a local port-forward tunnel. */
  upstream: () => Promise<Upstream>;
};

type Route = { digest: Buffer; runtimeAuth: string; upstream: () => Promise<Upstream> };

const digest = (value: string) => createHash('sha256').update(value).digest();
const PREFIX = '/sandboxes/';

/**
 * A loopback HTTP gateway in front of every Kubernetes runtime this worker uses.
 *
 * Warm pods start before their session exists, so a runtime's token is the agent's
 * (from a Secret), not the per-session token the sandbox service generated and hands
 * to its RuntimeClient. The gateway checks the session token and presents the
 * runtime's, streaming bodies both ways. It also hides how the runtime is reached
 * (pod IP or port-forward), so the URL the service stores is the same either way.
 */
export class AccessGateway {
  readonly #server: Server;
  readonly #routes = new Map<string, Route>();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly #log: Logger;
  #base = '';

  private constructor(log: Logger) {
    this.#log = log;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(log: Logger): Promise<AccessGateway> {
    const gateway = new AccessGateway(log);
    await new Promise<void>((resolve, reject) => {
      gateway.#server.once('error', reject);
      gateway.#server.listen(0, '127.0.0.1', () => resolve());
    });
    gateway.#base = `http://127.0.0.1:${(gateway.#server.address() as AddressInfo).port}`;
    return gateway;
  }

  /** Routes `name` and returns the base URL the worker's RuntimeClient should use. */
  register(name: string, route: GatewayRoute): string {
    this.#routes.set(name, { digest: digest(`Bearer ${route.sessionToken}`), runtimeAuth: `Bearer ${route.runtimeToken}`, upstream: route.upstream });
    return `${this.#base}${PREFIX}${name}`;
  }

  unregister(name: string): void {
    this.#routes.delete(name);
  }

  has(name: string): boolean {
    return this.#routes.has(name);
  }

  async close(): Promise<void> {
    this.#agent.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const rest = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : '';
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    const path = `${slash === -1 ? '/' : rest.slice(slash)}${url.search}`;
    const route = this.#routes.get(name);
    if (!route) return sendError(res, 404, 'not_found', `No sandbox "${name}" is routed through this worker.`);
    // The runtime's own /healthz is unauthenticated (it is the kubelet's probe); everything else needs the session token.
    if (path !== '/healthz' && !timingSafeEqual(digest(req.headers.authorization ?? ''), route.digest)) {
      return sendError(res, 401, 'unauthorized', 'Missing or wrong bearer token for this sandbox.');
    }
    let upstream: Upstream;
    try {
      upstream = await route.upstream();
    } catch (error) {
      this.#log.debug({ err: error, sandbox: name }, 'no upstream for sandbox');
      req.socket.destroy();
      return;
    }
    const headers = { ...req.headers, host: `${upstream.host}:${upstream.port}`, authorization: route.runtimeAuth };
    const forward = request({ host: upstream.host, port: upstream.port, method: req.method, path, headers, agent: this.#agent }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    // Unreachable runtime: drop the connection, which is what the worker would see talking to it directly.
    forward.on('error', (error) => {
      this.#log.debug({ err: error, sandbox: name }, 'runtime unreachable');
      if (!res.headersSent) req.socket.destroy();
      else res.destroy();
    });
    // A caller that goes away (turn cancelled) takes the upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  }
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
