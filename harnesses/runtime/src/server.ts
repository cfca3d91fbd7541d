import { mkdir, realpath, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HarnessAdapter } from './adapters/adapter.ts';
import type { App } from './app.ts';
import { createBearerCheck } from './http/auth.ts';
import { nodeHttp } from './http/node-http.ts';
import { createRouter } from './http/router.ts';
import type { Logger } from './log.ts';
import { execRoutes } from './routes/exec.ts';
import { fileRoutes } from './routes/files.ts';
import { healthRoutes } from './routes/health.ts';
import { sessionRoutes } from './routes/session.ts';
import { turnRoutes } from './routes/turns.ts';
import { TurnRunner } from './turns/turn-runner.ts';

export interface RuntimeOptions {
  token: string;
  /** Created if missing. */
  workspace: string;
  adapter: HarnessAdapter;
  log: Logger;
  /** Base environment for commands; defaults to `process.env`. */
  processEnv?: NodeJS.ProcessEnv;
  /** `private`: the sandbox has a network namespace of its own (local sandboxes). */
  network?: { private: boolean };
  memoryLimitBytes?: number | undefined;
  /** The sandbox's relay to the egress proxy, where proxy credentials without a URL point. */
  egressRelayUrl?: string | undefined;
}

export interface Runtime {
  readonly server: Server;
  /** Real path of the workspace root. */
  readonly workspace: string;
  /** Listens and resolves with the bound port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  /** Listens on a Unix socket, replacing a stale socket file left by an earlier run. */
  listenSocket(path: string): Promise<void>;
  /** Accepts on a socket the parent already bound and passed down as this file descriptor. */
  listenFd(fd: number): Promise<void>;
  /** Cancels the running turn and exec commands, then closes the server. Idempotent. */
  shutdown(): Promise<void>;
}

/** Once shutdown has cancelled the work, idle keep-alive sockets get this long before being cut. */
const CLOSE_GRACE_MS = 2_000;

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  await mkdir(options.workspace, { recursive: true });
  const workspace = await realpath(options.workspace);
  const app: App = {
    adapter: options.adapter,
    workspace,
    log: options.log,
    runner: new TurnRunner(options.adapter, workspace, options.log),
    processEnv: options.processEnv ?? process.env,
    sandbox: { privateNetwork: options.network?.private ?? false, memoryLimitBytes: options.memoryLimitBytes, egressRelayUrl: options.egressRelayUrl },
    session: null,
    execs: new Set(),
    shuttingDown: false,
  };
  const routes = [...healthRoutes(app), ...sessionRoutes(app), ...turnRoutes(app), ...execRoutes(app), ...fileRoutes(app)];
  const server = nodeHttp.createServer(
    { noDelay: true, keepAlive: true },
    createRouter({ routes, authorized: createBearerCheck(options.token), log: options.log }),
  );

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    app.shuttingDown = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const exec of app.execs) exec.abort();
    await app.runner.stopAll();
    app.adapter.close?.();
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(force);
  };

  return {
    server,
    workspace,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    listenSocket: async (socketPath) => {
      await rm(socketPath, { force: true });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    listenFd: (fd) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ fd }, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    shutdown: () => (closing ??= shutdown()),
  };
}
