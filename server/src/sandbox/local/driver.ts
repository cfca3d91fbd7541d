import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { trustEnv, trustFiles } from '../../egress/authority.ts';
import type { Logger } from '../../log/index.ts';
import { SandboxError, type SandboxDriver, type SandboxPhaseReport, type SandboxSpec } from '../driver.ts';
import { bwrapArgs } from './bwrap.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
export const RUNTIME_ENTRY = path.join(REPO_ROOT, 'harnesses/runtime/src/main.ts');
/** Node's install prefix: .../bin/node → ... */
const NODE_PREFIX = path.dirname(path.dirname(process.execPath));

export type Isolation = 'bwrap' | 'none';

/** Prefers bubblewrap; says loudly when sandboxes will be plain processes. */
export function detectIsolation(log: Logger): Isolation {
  const probe = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-pid', '--proc', '/proc', '--dev', '/dev', '--', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) return 'bwrap';
  log.warn(
    'bubblewrap (bwrap) is not available: local sandboxes run as plain child processes with NO filesystem or PID isolation. Install bubblewrap (apt-get install bubblewrap) or use the kubernetes driver for untrusted agents.',
  );
  return 'none';
}

/**
 * Runs each session's harness runtime as a child process with its own workspace,
 * inside bubblewrap namespaces when available. The environment is built from the
 * spec alone, so nothing of the platform's own environment leaks in.
 */
export class LocalSandboxDriver implements SandboxDriver {
  readonly kind = 'local' as const;
  readonly #root: string;
  readonly #log: Logger;
  readonly #isolation: Isolation;
  readonly #hidden: string[];
  readonly #children = new Map<string, ChildProcess>();

  constructor(opts: { dataDir: string; log: Logger; isolation: Isolation }) {
    this.#root = path.join(opts.dataDir, 'sandboxes');
    this.#log = opts.log.child({ component: 'local-sandbox' });
    this.#isolation = opts.isolation;
    this.#hidden = [opts.dataDir];
  }

  workspaceOf(name: string): string {
    return path.join(this.#root, name, 'workspace');
  }

  async start(spec: SandboxSpec, { deadline, report }: { deadline: number; report: SandboxPhaseReport }): Promise<{ url: string }> {
    await this.#kill(spec.name);
    const dir = path.join(this.#root, spec.name);
    const workspace = this.workspaceOf(spec.name);
    await mkdir(workspace, { recursive: true });
    // The sandbox's view of <dir>/run: Paddock's CA for the egress proxy's intercepted TLS.
    const run = path.join(dir, 'run');
    const runInside = this.#isolation === 'bwrap' ? '/run/paddock' : run;
    if (spec.egress) {
      await mkdir(run, { recursive: true });
      for (const [file, content] of Object.entries(trustFiles(spec.egress.caPem))) await writeFile(path.join(run, file), content);
    }
    const env: Record<string, string> = {
      ...spec.env,
      ...(spec.egress ? trustEnv(runInside) : {}),
      PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: workspace,
      LANG: 'C.UTF-8',
      PADDOCK_RUNTIME_TOKEN: spec.token,
      PADDOCK_RUNTIME_PORT: '0',
      PADDOCK_RUNTIME_HOST: '127.0.0.1',
      PADDOCK_WORKSPACE: workspace,
      PADDOCK_SESSION_ID: spec.sessionId,
      PADDOCK_HARNESS: spec.harness.adapter,
      ...(spec.harnessFile ? { PADDOCK_HARNESS_FILE: spec.harnessFile } : {}),
    };
    const runtime = [process.execPath, RUNTIME_ENTRY];
    const argv =
      this.#isolation === 'bwrap' ? ['bwrap', ...bwrapArgs({ workspace, hide: this.#hidden, expose: [REPO_ROOT, NODE_PREFIX], run: spec.egress ? run : undefined }), '--', ...runtime] : runtime;
    report('PROVISIONING', `starting local runtime (${this.#isolation === 'bwrap' ? 'bubblewrap' : 'unisolated process'})`);

    const child = spawn(argv[0]!, argv.slice(1), { env, cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.#children.set(spec.name, child);
    const logFile = createWriteStream(path.join(dir, 'runtime.log'), { flags: 'a' });
    child.stderr!.pipe(logFile);
    child.once('exit', (code, signal) => {
      if (this.#children.get(spec.name) === child) this.#children.delete(spec.name);
      this.#log.info({ sandbox: spec.name, code, signal }, 'runtime exited');
    });
    if (child.pid) {
      await writeFile(path.join(dir, 'pid'), String(child.pid));
      await deprioritise(child.pid);
    }

    const port = await this.#waitForPort(child, logFile, deadline, spec.name);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, deadline, spec.name);
    report('READY', 'runtime is answering');
    return { url };
  }

  async suspend(name: string): Promise<void> {
    await this.#kill(name);
  }

  async destroy(name: string): Promise<void> {
    await this.#kill(name);
    await rm(path.join(this.#root, name), { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.#root).catch(() => [] as string[]);
    const alive: string[] = [];
    for (const name of names) if (await this.#pidOf(name)) alive.push(name);
    return alive;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#children.keys()].map((name) => this.#kill(name)));
  }

  async #pidOf(name: string): Promise<number | null> {
    const child = this.#children.get(name);
    if (child?.pid && child.exitCode === null) return child.pid;
    const text = await readFile(path.join(this.#root, name, 'pid'), 'utf8').catch(() => '');
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  /** Kills the runtime's whole process group (it was started detached), TERM then KILL. */
  async #kill(name: string): Promise<void> {
    const pid = await this.#pidOf(name);
    this.#children.delete(name);
    await rm(path.join(this.#root, name, 'pid'), { force: true });
    if (!pid) return;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
        return true;
      } catch {
        return false;
      }
    };
    if (!signal('SIGTERM')) return;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (!signal(0 as unknown as NodeJS.Signals)) return;
    }
    signal('SIGKILL');
  }

  #waitForPort(child: ChildProcess, logFile: NodeJS.WritableStream, deadline: number, name: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => fail(new SandboxError(`sandbox ${name}: the runtime did not start listening before the deadline`)), Math.max(0, deadline - Date.now()));
      const onExit = (code: number | null) =>
        fail(new SandboxError(`sandbox ${name}: the runtime exited with code ${code} while starting; see ${path.join(this.#root, name, 'runtime.log')}`));
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        reject(error);
      };
      child.once('exit', onExit);
      lines.on('line', (line) => {
        logFile.write(`${line}\n`);
        if (!line.includes('"listening"')) return;
        try {
          const parsed = JSON.parse(line) as { event?: string; port?: number };
          if (parsed.event === 'listening' && typeof parsed.port === 'number') {
            clearTimeout(timer);
            child.off('exit', onExit);
            resolve(parsed.port);
          }
        } catch {
          // an ordinary log line that mentions "listening"
        }
      });
    });
  }
}

/** Niceness of sandboxes relative to the platform's own processes. */
const SANDBOX_NICE = 10;

/**
 * Sandboxes must not starve the worker and API that stream their output. Each one
 * runs in its own session, which Linux's autogroup scheduling weighs like a whole
 * process tree, so both the process and its autogroup are made nicer. Best effort:
 * the kernel may not offer autogroups.
 */
async function deprioritise(pid: number): Promise<void> {
  try {
    os.setPriority(pid, SANDBOX_NICE);
  } catch {
    // not permitted here; the sandbox runs at normal priority
  }
  await writeFile(`/proc/${pid}/autogroup`, String(SANDBOX_NICE)).catch(() => undefined);
}

/** Polls the runtime's unauthenticated health endpoint until it answers 200. */
export async function waitForHealth(url: string, deadline: number, name: string): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new SandboxError(`sandbox ${name}: the runtime did not become healthy before the deadline (${last})`);
}
