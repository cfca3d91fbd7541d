/**
 * What the fault suite controls: a PostgreSQL of its own (not the suite's shared one) that
 * it stops, restarts and kills, and worker processes it kills and stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded.ts';
import { createLogger } from '../src/log/index.ts';

const SERVER_DIR = path.resolve(import.meta.dirname, '..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export type ControlledPostgres = {
  databaseUrl: string;
  /** A fast shutdown, as an operator's restart does. */
  stop(): Promise<void>;
  /** The postmaster is SIGKILLed; the next start runs crash recovery. */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
};

/** A throwaway embedded PostgreSQL; restarts keep its port and data. */
export async function startControlledPostgres(): Promise<ControlledPostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-faults-pg-'));
  await chmod(dir, 0o755); // reachable by the `postgres` user when running as root
  const log = createLogger('faults-pg', 'silent');
  // Durable: with synchronous_commit off, a killed postmaster loses commits it had
  // acknowledged, which no application can make up for.
  const options = { dataDir: dir, log, port: 0, durable: true, database: 'paddock' };
  let server: EmbeddedPostgres | null = await startEmbeddedPostgres(options);
  const pidFile = path.join(dir, 'postgres', 'data', 'postmaster.pid');
  return {
    databaseUrl: server.databaseUrl,
    async stop() {
      await server?.stop();
      server = null;
    },
    async kill() {
      const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      await until(() => !alive(pid), 10_000, 'the postmaster to die');
      server = null;
    },
    async start() {
      // Backends of a killed postmaster take a moment to notice and exit.
      for (let attempt = 1; ; attempt++) {
        try {
          server = await startEmbeddedPostgres(options);
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          await sleep(500);
        }
      }
    },
    async close() {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A worker process (`src/bin/worker.ts`), as deployed: its own process, pools and bus. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(child: ChildProcess) {
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  /** Starts a worker and waits until it takes jobs. */
  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    // node itself (not a wrapper), so a signal reaches the worker and nothing else.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(SERVER_DIR, 'src/bin/worker.ts')], {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH, PADDOCK_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(child);
    let exited = false;
    void worker.exited.then(() => (exited = true));
    await until(() => exited || worker.output.some((line) => line.includes('"msg":"worker started"')), 120_000, 'the worker to start');
    if (exited) throw new Error(`the worker exited while starting:\n${worker.output.slice(-20).join('\n')}`);
    return worker;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Lines a worker logged at `error` or `fatal` level (pino levels 50, 60). */
  errors(): string[] {
    return this.output.filter((line) => /"level":(50|60)/.test(line));
  }
}

/** Stops every local sandbox under `dataDir` (their workers may have been killed). */
export async function killSandboxes(dataDir: string): Promise<void> {
  const root = path.join(dataDir, 'sandboxes');
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(await readFile(path.join(root, name, 'pid'), 'utf8').catch(() => ''));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Sends `signal` to a local sandbox's whole process group. */
export async function signalSandbox(dataDir: string, name: string, signal: NodeJS.Signals): Promise<void> {
  const pid = Number(await readFile(path.join(dataDir, 'sandboxes', name, 'pid'), 'utf8'));
  process.kill(-pid, signal);
}
