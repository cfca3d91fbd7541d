import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, chown, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import PQueue from 'p-queue';
import { trustEnv, trustFiles } from '../../egress/authority.ts';
import { RuntimeClient, unixEndpoint } from '@paddock/harness-runtime/client';
import type { Logger } from '../../log/index.ts';
import { metrics } from '../../telemetry/metrics.ts';
import { SandboxError, type SandboxDriver, type SandboxPhaseReport, type SandboxSpec } from '../driver.ts';
import { bwrapArgs, type BwrapLayout } from './bwrap.ts';
import { diskQuotaProblem, mountWorkspace, unmountWorkspace } from './disk.ts';
import {
  attachToGroups,
  createGroups,
  detectLimitEnforcement,
  groupDirs,
  removeGroups,
  rlimitCommands,
  sandboxLimits,
  type LimitEnforcement,
} from './limits.ts';
import { INSIDE, systemDirArgs, writeRuntimeNode, writeSandboxEtc } from './rootfs.ts';
import { resolveRuntimeEntry, RUNTIME_NODE_FLAGS, type RuntimeEntry } from './runtime-entry.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
const HARNESSES_DIR = path.join(REPO_ROOT, 'harnesses');
const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');
/** Node's install prefix: .../bin/node → ... */
const NODE_PREFIX = path.dirname(path.dirname(process.execPath));

/** Open files per process in a sandbox (RLIMIT_NOFILE). */
const SANDBOX_OPEN_FILES = 1024;
/** The port inside the sandbox where HTTP_PROXY points (relayed to the egress socket). */
const EGRESS_PORT = 3128;
/** A file of Paddock's code (harnesses/ or node_modules/) as the sandbox sees it. */
const insideCode = (file: string) => `${INSIDE.code}/${path.relative(REPO_ROOT, file)}`;
/** Where the runtime finds the listening socket the driver binds for it. */
const LISTEN_FD = 4;
/** Longest path a Unix socket address holds (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;
/** Host uids for sandboxes when Paddock runs as root: one per sandbox, far from real users. */
const SANDBOX_UID_BASE = 1_800_000_000;
const SANDBOX_UID_SPAN = 100_000_000;

export type Isolation = 'bwrap' | 'none';

/** What a local sandbox is started from: nothing of a session, so a warm one can be started before its session exists. */
export type LocalSandboxSpec = Pick<SandboxSpec, 'name' | 'harness' | 'harnessFile' | 'token' | 'env' | 'egress'>;

export type LocalDriverOptions = {
  dataDir: string;
  log: Logger;
  isolation: 'auto' | Isolation;
  /** Most processes (and threads) one sandbox may run. */
  pidsLimit: number;
  /** Size of each sandbox's workspace in MiB (an image mounted on it); unset, no limit. */
  diskMb?: number | undefined;
  /** Most sandboxes starting at once; unset, no limit. */
  startConcurrency?: number | undefined;
};

export type LocalStartOptions = {
  /** Epoch ms by which the start must be done, counted from when it leaves the queue. */
  deadline: number;
  report: SandboxPhaseReport;
  /** A warm-pool start, which waits behind every start a session is waiting for. */
  background?: boolean;
};

/** Queue priorities of starts: a session waiting goes first. */
const SESSION_START = 1;
const BACKGROUND_START = 0;

/** A host uid of the sandbox's own (root only), so an escape from one sandbox reaches nothing of another. */
function hostUidFor(name: string): number | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return SANDBOX_UID_BASE + (hash % SANDBOX_UID_SPAN);
}

/**
 * Runs each session's harness runtime as a child process with its own workspace. With
 * bubblewrap (the default wherever it works) the runtime and everything it runs live in
 * namespaces of their own on a minimal read-only root, as an unprivileged uid without
 * capabilities and without network but for the egress proxy; the platform reaches the
 * runtime over a Unix socket. Memory, processes and CPU are limited per sandbox with
 * cgroups, else rlimits. The environment is built from the spec alone, so nothing of the
 * platform's own environment leaks in.
 */
export class LocalSandboxDriver implements SandboxDriver {
  readonly kind = 'local' as const;
  readonly isolation: Isolation;
  readonly limits: LimitEnforcement;
  readonly #root: string;
  readonly #base: string;
  readonly #log: Logger;
  readonly #pidsLimit: number;
  readonly #diskBytes: number | undefined;
  readonly #system: string[];
  readonly #entry: RuntimeEntry;
  readonly #children = new Map<string, ChildProcess>();
  /**
   * Starts are bounded: hundreds booting at once share the CPU so thinly that all of them
   * miss their deadline, where a few at a time each start in about a second.
   */
  readonly #starts: PQueue;

  private constructor(opts: {
    root: string;
    base: string;
    log: Logger;
    isolation: Isolation;
    limits: LimitEnforcement;
    pidsLimit: number;
    diskBytes: number | undefined;
    system: string[];
    entry: RuntimeEntry;
    startConcurrency: number;
  }) {
    this.#starts = new PQueue({ concurrency: opts.startConcurrency });
    this.#root = opts.root;
    this.#base = opts.base;
    this.#log = opts.log;
    this.isolation = opts.isolation;
    this.limits = opts.limits;
    this.#pidsLimit = opts.pidsLimit;
    this.#diskBytes = opts.diskBytes;
    this.#system = opts.system;
    this.#entry = opts.entry;
  }

  /** Prepares the sandboxes' shared root, checks that bubblewrap works here and how limits can be enforced, and says so in the log. */
  static async create(opts: LocalDriverOptions): Promise<LocalSandboxDriver> {
    const log = opts.log.child({ component: 'local-sandbox' });
    const root = path.join(opts.dataDir, 'sandboxes');
    const base = path.join(opts.dataDir, 'sandbox-root');
    await mkdir(root, { recursive: true, mode: 0o700 });
    await mkdir(base, { recursive: true, mode: 0o700 });
    if (process.getuid?.() === 0) {
      // bwrap runs as each sandbox's own uid, which must be able to pass through (not
      // list) these directories to reach its workspace and the shared root.
      for (const dir of [opts.dataDir, root, base]) await chmod(dir, 0o711);
    }
    const system = await systemDirArgs();
    const entry = resolveRuntimeEntry();
    if (entry.problem) {
      log.warn(
        { problem: entry.problem },
        'sandboxes run the harness runtime from its TypeScript source, which takes about twice the memory per sandbox; run `pnpm build:runtime` (pnpm install does) and restart',
      );
    }
    let isolation: Isolation = 'none';
    if (opts.isolation !== 'none') {
      const problem = await probeBwrap(base, system, insideCode(entry.path));
      if (problem === null) isolation = 'bwrap';
      else if (opts.isolation === 'bwrap') throw new Error(`PADDOCK_SANDBOX_ISOLATION=bwrap, but bubblewrap cannot isolate sandboxes here: ${problem}`);
      else {
        log.warn(
          { problem },
          'bubblewrap cannot isolate sandboxes here: local sandboxes run as plain child processes with NO filesystem, user, PID or network isolation. Install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces, or use the kubernetes driver for untrusted agents.',
        );
      }
    }
    const limits = await detectLimitEnforcement();
    if (opts.diskMb !== undefined) {
      const problem = await diskQuotaProblem();
      if (problem) throw new Error(`PADDOCK_SANDBOX_DISK_MB is set, but workspaces cannot be limited here: ${problem}. Unset it to run without a disk limit.`);
    }
    const diskBytes = opts.diskMb === undefined ? undefined : opts.diskMb * 1024 * 1024;
    const startConcurrency = opts.startConcurrency ?? Infinity;
    const driver = new LocalSandboxDriver({ root, base, log, isolation, limits, pidsLimit: opts.pidsLimit, diskBytes, system, entry, startConcurrency });
    log.info(
      {
        isolation,
        runtime: entry.bundled ? 'bundle' : 'source',
        sandboxUid: process.getuid?.() === 0 ? 'one unprivileged host uid per sandbox' : 'the platform user, mapped to uid 1000',
        limits: limits.kind,
        workspaceDisk: opts.diskMb === undefined ? 'unlimited' : `${opts.diskMb} MiB`,
        startConcurrency: Number.isFinite(startConcurrency) ? startConcurrency : 'unlimited',
        ...(limits.kind === 'rlimit' ? { limitsNote: `${limits.reason}; memory is capped with RLIMIT_DATA, CPU only by niceness` } : {}),
      },
      `local sandboxes: ${isolation === 'bwrap' ? 'bubblewrap namespaces' : 'UNISOLATED processes'}, limits enforced with ${limits.kind === 'cgroup2' ? 'cgroup v2' : limits.kind === 'cgroup1' ? 'cgroup v1 (memory, pids, cpu)' : 'rlimits'}`,
    );
    return driver;
  }

  workspaceOf(name: string): string {
    return path.join(this.#root, name, 'workspace');
  }

  /**
   * Starts the sandbox once fewer than the start concurrency are starting. The time it
   * waits for its turn does not count against its deadline: the budget it was given is
   * the time the start itself may take.
   */
  async start(spec: LocalSandboxSpec, { deadline, report, background = false }: LocalStartOptions): Promise<{ url: string }> {
    const budget = deadline - Date.now();
    if (this.#starts.pending >= this.#starts.concurrency) {
      const ahead = this.#starts.sizeBy({ priority: SESSION_START }) + (background ? this.#starts.sizeBy({ priority: BACKGROUND_START }) : 0);
      report('PROVISIONING', `waiting to start: ${this.#starts.pending} sandboxes starting, ${ahead} queued ahead`);
    }
    const waiting = { kind: background ? 'warm' : 'session' };
    metrics.sandboxStartsWaiting.inc(waiting);
    let began = false;
    try {
      return await this.#starts.add(
        () => {
          began = true;
          metrics.sandboxStartsWaiting.dec(waiting);
          return this.#start(spec, Date.now() + budget, report);
        },
        { priority: background ? BACKGROUND_START : SESSION_START },
      );
    } catch (error) {
      if (began) throw error;
      // Only close() drops a start before it begins.
      metrics.sandboxStartsWaiting.dec(waiting);
      throw new SandboxError(`sandbox ${spec.name}: the worker is shutting down`);
    }
  }

  async #start(spec: LocalSandboxSpec, deadline: number, report: SandboxPhaseReport): Promise<{ url: string }> {
    await this.#kill(spec.name);
    const dir = path.join(this.#root, spec.name);
    const workspace = this.workspaceOf(spec.name);
    const run = path.join(dir, 'run');
    // On the host only: nothing in the sandbox can replace it with a listener of its own.
    const socket = path.join(dir, 'runtime.sock');
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      throw new SandboxError(
        `sandbox ${spec.name}: the runtime's socket path ${socket} is longer than the ${MAX_SOCKET_PATH} bytes a Unix socket allows; set PADDOCK_DATA_DIR to a shorter path.`,
        { terminal: true },
      );
    }
    const uid = hostUidFor(spec.name);
    await mkdir(workspace, { recursive: true, mode: 0o700 });
    await mkdir(run, { recursive: true, mode: 0o700 });
    await rm(socket, { force: true });
    // The mount point of the egress socket's directory, made here because /run/paddock is read-only inside.
    if (spec.egress) await mkdir(path.join(run, 'egress'), { recursive: true });
    // Paddock's CA, for TLS the egress proxy intercepts to substitute credentials.
    if (spec.egress) for (const [file, content] of Object.entries(trustFiles(spec.egress.caPem))) await writeFile(path.join(run, file), content);
    if (uid !== undefined) for (const d of [dir, workspace, run]) await chown(d, uid, uid);
    await chmod(dir, 0o700);
    // Outside the workspace: the image must not count against its own size.
    if (this.#diskBytes !== undefined) {
      await mountWorkspace({ image: path.join(dir, 'workspace.img'), dir: workspace, bytes: this.#diskBytes, uid }).catch((error: unknown) => {
        const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
        throw new SandboxError(`sandbox ${spec.name}: could not mount its ${this.#diskBytes! / 1024 / 1024} MiB workspace: ${detail}`);
      });
    }

    const limits = sandboxLimits(spec.harness, this.#pidsLimit);
    await createGroups(this.limits, spec.name, limits);
    const bwrap = this.isolation === 'bwrap';
    const inside = bwrap
      ? {
          workspace: INSIDE.workspace,
          egress: spec.egress && `${INSIDE.egressDir}/${path.basename(spec.egress.socketPath)}`,
          entry: insideCode(this.#entry.path),
          node: INSIDE.runtimeNode,
        }
      : { workspace, egress: spec.egress?.socketPath, entry: this.#entry.path, node: process.execPath };
    const harnessFile = spec.harnessFile && bwrap ? insideHarnessFile(spec.harnessFile) : { path: spec.harnessFile, bind: undefined };
    if (spec.egress) await chmod(spec.egress.socketPath, 0o666).catch(() => undefined);
    const env: Record<string, string> = {
      ...spec.env,
      PATH: `${bwrap ? `${INSIDE.node}/bin` : path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: inside.workspace,
      ...(spec.egress ? trustEnv(bwrap ? INSIDE.run : run) : {}),
      LANG: 'C.UTF-8',
      PADDOCK_RUNTIME_TOKEN_FD: '3',
      PADDOCK_RUNTIME_LISTEN_FD: String(LISTEN_FD),
      PADDOCK_WORKSPACE: inside.workspace,
      PADDOCK_HARNESS: spec.harness.adapter,
      PADDOCK_SANDBOX_MEMORY_BYTES: String(limits.memoryBytes),
      ...(harnessFile.path ? { PADDOCK_HARNESS_FILE: harnessFile.path } : {}),
      ...(bwrap ? { PADDOCK_SANDBOX_NETWORK: 'private' } : {}),
      // Unisolated runtimes share the host's loopback, so their relay needs a free port.
      ...(spec.egress ? relayEnv(inside.egress!, bwrap ? EGRESS_PORT : await freeLoopbackPort()) : {}),
    };
    const runtime = [inside.node, ...RUNTIME_NODE_FLAGS, inside.entry];
    const argv = bwrap
      ? [
          'bwrap',
          ...bwrapArgs({
            system: this.#system,
            etc: path.join(this.#base, 'etc'),
            harnesses: HARNESSES_DIR,
            nodeModules: NODE_MODULES,
            nodePrefix: NODE_PREFIX,
            runtimeNode: path.join(this.#base, 'node'),
            harnessFile: harnessFile.bind,
            workspace,
            run,
            egressDir: spec.egress && path.dirname(spec.egress.socketPath),
            tmpBytes: limits.memoryBytes,
          } satisfies BwrapLayout),
          '--',
          ...runtime,
        ]
      : runtime;
    // The shell waits for the go-ahead so the sandbox is in its cgroups before anything in it runs.
    const rlimits = this.limits.kind === 'rlimit' ? `${rlimitCommands(limits, uid !== undefined)} && ` : '';
    // Open files are bounded too: a sandbox must not hold the worker's egress proxy to ransom with connections.
    const wrapper = ['/bin/sh', '-c', `ulimit -n ${SANDBOX_OPEN_FILES} && ${rlimits}read -r _ && exec "$@"`, 'paddock-sandbox', ...argv];
    report('PROVISIONING', `starting local runtime (${bwrap ? 'bubblewrap' : 'unisolated process'})`);

    const listener = await bindSocket(socket, path.join(dir, '.bind.sock'));
    const devNull = await open('/dev/null', 'r');
    let child: ChildProcess;
    try {
      child = spawn(wrapper[0]!, wrapper.slice(1), {
        env,
        cwd: dir,
        stdio: sandboxStdio(listener.fd, await inheritedDescriptors(), devNull.fd),
        detached: true,
        ...(uid !== undefined ? { uid, gid: uid } : {}),
      });
    } finally {
      // The child holds its own copy of the listening socket now.
      await listener.release();
      await devNull.close();
    }
    this.#children.set(spec.name, child);
    const logFile = createWriteStream(path.join(dir, 'runtime.log'), { flags: 'a', mode: 0o600 });
    child.stderr!.pipe(logFile);
    child.once('exit', (code, signal) => {
      if (this.#children.get(spec.name) === child) this.#children.delete(spec.name);
      this.#log.info({ sandbox: spec.name, code, signal }, 'runtime exited');
    });
    child.on('error', (error) => this.#log.warn({ sandbox: spec.name, err: error }, 'could not start the sandbox'));
    const listening = this.#waitForSocket(child, logFile, deadline, spec.name);
    // Awaited below; a sandbox killed while the steps before run must not count as unhandled.
    listening.catch(() => undefined);
    try {
      if (!child.pid) throw new SandboxError(`sandbox ${spec.name}: could not start /bin/sh for the sandbox`);
      await writeFile(path.join(dir, 'pid'), String(child.pid));
      await deprioritise(child.pid);
      await attachToGroups(this.limits, spec.name, child.pid);
      const token = child.stdio[3] as NodeJS.WritableStream;
      // A sandbox that dies at once resets these pipes; its exit is reported by the wait below.
      token.on('error', () => undefined);
      child.stdin!.on('error', () => undefined);
      token.end(spec.token);
      child.stdin!.end('go\n');
    } catch (error) {
      await this.#kill(spec.name);
      throw error instanceof SandboxError ? error : new SandboxError(`sandbox ${spec.name}: ${(error as Error).message}`);
    }

    const url = unixEndpoint(socket);
    try {
      await listening;
      await waitForHealth(new RuntimeClient({ baseUrl: url, token: spec.token, timeoutMs: 1_000 }), deadline, spec.name);
    } catch (error) {
      // Leave nothing behind: no processes, no cgroups.
      await this.#kill(spec.name);
      throw error;
    }
    report('READY', 'runtime is answering');
    return { url };
  }

  async suspend(name: string): Promise<void> {
    await this.#kill(name);
    await unmountWorkspace(this.workspaceOf(name));
  }

  async destroy(name: string): Promise<void> {
    await this.#kill(name);
    await unmountWorkspace(this.workspaceOf(name));
    await rm(path.join(this.#root, name), { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.#root).catch(() => [] as string[]);
    const alive: string[] = [];
    for (const name of names) if (await this.#pidOf(name)) alive.push(name);
    return alive;
  }

  async close(): Promise<void> {
    this.#starts.clear();
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

  /**
   * Kills the sandbox's whole process group (it was started detached), TERM then KILL,
   * then anything still in its cgroups (a process may have left the group), and removes
   * the cgroups.
   */
  async #kill(name: string): Promise<void> {
    const pid = await this.#pidOf(name);
    this.#children.delete(name);
    await rm(path.join(this.#root, name, 'pid'), { force: true });
    if (pid) {
      const signal = (sig: NodeJS.Signals | 0) => {
        try {
          process.kill(-pid, sig);
          return true;
        } catch {
          return false;
        }
      };
      if (signal('SIGTERM')) {
        for (let i = 0; i < 40 && signal(0); i++) await new Promise((r) => setTimeout(r, 50));
        signal('SIGKILL');
      }
    }
    for (const dir of groupDirs(this.limits, name)) {
      const members = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const member of members.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(member), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await removeGroups(this.limits, name).catch((error: unknown) => this.#log.warn({ sandbox: name, err: error }, 'could not remove the sandbox cgroups'));
  }

  #waitForSocket(child: ChildProcess, logFile: NodeJS.WritableStream, deadline: number, name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(
        () => fail(new SandboxError(`sandbox ${name}: the runtime did not start listening before the deadline`)),
        Math.max(0, deadline - Date.now()),
      );
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
          const parsed = JSON.parse(line) as { event?: string; fd?: number };
          if (parsed.event === 'listening' && parsed.fd === LISTEN_FD) {
            clearTimeout(timer);
            child.off('exit', onExit);
            resolve();
          }
        } catch {
          // an ordinary log line that mentions "listening"
        }
      });
    });
  }
}

const O_CLOEXEC = 0o2000000;

/**
 * Descriptors this process inherited from whoever started it, open without close-on-exec
 * (Node opens all of its own with it): a supervisor's socket, a shell's redirection. Each
 * would pass through the wrapper and bwrap into the sandbox.
 */
export async function inheritedDescriptors(): Promise<number[]> {
  const inherited: number[] = [];
  for (const entry of await readdir('/proc/self/fd').catch(() => [])) {
    const fd = Number(entry);
    if (!Number.isInteger(fd) || fd < 3) continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8').catch(() => '');
    const flags = /^flags:\s*([0-7]+)$/m.exec(info);
    if (flags && (parseInt(flags[1]!, 8) & O_CLOEXEC) === 0) inherited.push(fd);
  }
  return inherited;
}

/**
 * The sandbox's descriptors: stdin, stdout, stderr, the token pipe and the runtime's
 * listening socket, and /dev/null over every descriptor number the worker inherited, so
 * none of them reaches the sandbox (bwrap passes on whatever is open, and the wrapper
 * shell can close only single-digit descriptors).
 */
function sandboxStdio(listenFd: number, inherited: readonly number[], devNull: number): ('pipe' | 'ignore' | number)[] {
  const stdio: ('pipe' | 'ignore' | number)[] = ['pipe', 'pipe', 'pipe', 'pipe', listenFd];
  for (const fd of inherited) {
    if (fd <= LISTEN_FD) continue;
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = devNull;
  }
  return stdio;
}

/** Where the sandbox finds its harness definition: inside the bound harnesses/ directory, or bound on its own. */
function insideHarnessFile(file: string): { path: string; bind: string | undefined } {
  const relative = path.relative(HARNESSES_DIR, file);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return { path: `${INSIDE.code}/harnesses/${relative}`, bind: undefined };
  return { path: INSIDE.harnessFile, bind: file };
}

/**
 * The runtime's relay to the egress proxy. No credentials: the proxy variables, with the
 * runtime's and the commands' own tokens, come with the session at attach time, so a
 * sandbox holds none before a session owns it and none sits in any process environment.
 */
function relayEnv(egressSocket: string, port: number): Record<string, string> {
  return {
    PADDOCK_EGRESS_SOCKET: egressSocket,
    PADDOCK_EGRESS_PORT: String(port),
    // Node's own fetch and http honour HTTP_PROXY and friends only when asked to.
    NODE_USE_ENV_PROXY: '1',
  };
}

/**
 * Binds the runtime's socket on the host and returns its file descriptor for the child
 * to inherit. It is bound under a temporary name and renamed into place, because
 * closing our copy of the server unlinks the name it was bound to.
 */
async function bindSocket(socket: string, temporary: string): Promise<{ fd: number; release(): Promise<void> }> {
  await rm(temporary, { force: true });
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(temporary, () => resolve());
  });
  // Node exposes a listening pipe's descriptor only on its handle.
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  await rename(temporary, socket);
  return { fd, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway sandbox with the real layout and the execute-only Node; null when
 * it works, else what went wrong. Runs as a sandbox uid when Paddock is root, so a
 * checkout an unprivileged uid cannot read is caught here rather than at the first turn.
 */
async function probeBwrap(base: string, system: string[], entry: string): Promise<string | null> {
  const dir = path.join(base, 'probe');
  const uid = hostUidFor('probe');
  try {
    await writeSandboxEtc(path.join(base, 'etc'));
    await writeRuntimeNode(path.join(base, 'node'));
    await rm(dir, { recursive: true, force: true });
    for (const d of [dir, path.join(dir, 'workspace'), path.join(dir, 'run')]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
      if (uid !== undefined) await chown(d, uid, uid);
    }
    const args = bwrapArgs({
      system,
      etc: path.join(base, 'etc'),
      harnesses: HARNESSES_DIR,
      nodeModules: NODE_MODULES,
      nodePrefix: NODE_PREFIX,
      runtimeNode: path.join(base, 'node'),
      workspace: path.join(dir, 'workspace'),
      tmpBytes: 64 * 1024 * 1024,
      run: path.join(dir, 'run'),
    });
    const check = `${INSIDE.runtimeNode} -e 'require("node:fs").accessSync("${entry}")'`;
    return await new Promise<string | null>((resolve) => {
      const child = spawn('bwrap', [...args, '--', '/bin/sh', '-c', check], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        ...(uid !== undefined ? { uid, gid: uid } : {}),
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error) => resolve(error.message));
      child.on('close', (code) => resolve(code === 0 ? null : stderr.trim() || `bwrap exited with code ${code}`));
    });
  } catch (error) {
    return (error as Error).message;
  } finally {
    await rm(dir, { recursive: true, force: true });
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

/** Polls the runtime's authenticated health call until it answers. */
export async function waitForHealth(client: RuntimeClient, deadline: number, name: string): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      await client.health();
      return;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new SandboxError(`sandbox ${name}: the runtime did not become healthy before the deadline (${last})`);
}
