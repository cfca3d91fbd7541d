/**
 * Child processes of the stream bench, and their CPU time read from /proc (the only
 * way to measure another process's CPU): `utime + stime` of each process, and of
 * whole process trees (the worker's sandbox runtimes, PostgreSQL's backends).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

function clockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

const TICKS_PER_SECOND = clockTicks();

type ProcStat = { pid: number; ppid: number; cpu: number; childCpu: number };

/** Fields of /proc/<pid>/stat after the `(comm)`, which may itself hold spaces. */
function parseStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime/stime 14/15, cutime/cstime 16/17.
  const num = (field: number) => Number(fields[field - 3]);
  return { pid, ppid: num(4), cpu: (num(14) + num(15)) / TICKS_PER_SECOND, childCpu: (num(16) + num(17)) / TICKS_PER_SECOND };
}

function statOf(pid: number): ProcStat | null {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The embedded PostgreSQL's postmaster, from the `postmaster.pid` under the data dir it was started with. */
export async function embeddedPostmaster(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'postgres', 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

/** All of PostgreSQL's CPU: the postmaster, its live backends, and the backends that exited. */
export const postgresCpu = (postmaster: number): CpuTarget => ({ name: 'postgres', pids: [postmaster], treeOf: postmaster, reaped: true });

function allStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(Number(name));
    if (stat) out.set(stat.pid, stat);
  }
  return out;
}

/** Every live descendant of `root` (not `root` itself). */
export function descendantsOf(root: number, stats: Map<number, ProcStat> = allStats()): number[] {
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) {
    const list = children.get(stat.ppid);
    if (list) list.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds per pid at one instant; `reaped` adds the CPU of children a process waited for. */
export type CpuSnapshot = Map<number, number>;

/**
 * What to measure: single processes, and trees of descendants (alive at either end of
 * the window; a process that exits inside the window loses its share unless its
 * parent's reaped-children time is included with `reaped`).
 */
export type CpuTarget = { name: string; pids?: number[]; treeOf?: number; reaped?: boolean };

export function snapshotCpu(targets: CpuTarget[]): Map<string, CpuSnapshot> {
  const stats = allStats();
  const out = new Map<string, CpuSnapshot>();
  for (const target of targets) {
    const snap: CpuSnapshot = new Map();
    const pids = [...(target.pids ?? []), ...(target.treeOf !== undefined ? descendantsOf(target.treeOf, stats) : [])];
    for (const pid of pids) {
      const stat = stats.get(pid);
      if (stat) snap.set(pid, stat.cpu + (target.reaped ? stat.childCpu : 0));
    }
    out.set(target.name, snap);
  }
  return out;
}

/** CPU seconds spent between two snapshots; a process that appeared in between counts from 0. */
export function cpuBetween(before: Map<string, CpuSnapshot>, after: Map<string, CpuSnapshot>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, end] of after) {
    const start = before.get(name) ?? new Map<number, number>();
    let total = 0;
    for (const [pid, cpu] of end) total += cpu - (start.get(pid) ?? 0);
    out[name] = total;
  }
  return out;
}

/** Whole-machine busy time from /proc/stat: (busy, total) jiffies. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Average number of busy cores between two /proc/stat readings. */
export function busyCores(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.busy - before.busy) / total) * os.cpus().length : 0;
}

/**
 * Lowers the CPU priority of processes: their nice value, and that of their autogroup.
 * With autogroup scheduling (Linux's default) every session gets an equal CPU share
 * whatever its processes' nice values, and each sandbox runtime is a session of its own.
 * Returns how many processes could not be changed.
 */
export function deprioritise(pids: number[], nice: number): number {
  let failed = 0;
  for (const pid of pids) {
    try {
      os.setPriority(pid, nice);
    } catch {
      failed++;
      continue;
    }
    try {
      writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    } catch {
      // no autogroup scheduling in this kernel: the nice value alone counts
    }
  }
  return failed;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type Child = {
  name: string;
  pid: number;
  process: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its output, for error messages. */
  tail(lines?: number): Promise<string>;
};

/** Every child started and not yet exited, so an interrupted bench can stop them all. */
export const liveChildren = new Set<Child>();
let refusing = false;

/** From now on startChild refuses, so nothing new starts while the bench is stopping. */
export function refuseNewChildren(): void {
  refusing = true;
}

/**
 * Starts a process in its own process group (so a Ctrl-C reaches only the bench, which
 * then stops everything in order), with stdout and stderr going to `logFile`.
 * `ready` is called with each stdout line until it returns a value.
 */
export async function startChild<T>(opts: {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  ready?: (line: string) => T | undefined;
  timeoutMs: number;
}): Promise<{ child: Child; ready: T | undefined }> {
  if (refusing) throw new Error(`not starting ${opts.name}: the bench is stopping`);
  const [command, ...args] = opts.argv;
  const proc = spawn(command!, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  proc.stderr!.pipe(log, { end: false });
  let exitedFlag = false;
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve(signal ?? String(code));
    });
    proc.once('error', (error) => {
      exitedFlag = true;
      resolve(`spawn error: ${error.message}`);
    });
  });
  const child: Child = {
    name: opts.name,
    pid: proc.pid ?? -1,
    process: proc,
    logFile: opts.logFile,
    exited,
    hasExited: () => exitedFlag,
    async stop(graceMs = 15_000) {
      if (exitedFlag) return;
      proc.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done && !exitedFlag) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
    async tail(lines = 15) {
      const text = await readFile(opts.logFile, 'utf8').catch(() => '');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    },
  };

  liveChildren.add(child);
  void exited.then(() => liveChildren.delete(child));

  const reader = createInterface({ input: proc.stdout! });
  let result: T | undefined;
  let resolveReady: ((value: T) => void) | null = null;
  const readyPromise = opts.ready ? new Promise<T>((resolve) => (resolveReady = resolve)) : null;
  reader.on('line', (line) => {
    log.write(`${line}\n`);
    if (resolveReady && opts.ready) {
      const value = opts.ready(line);
      if (value !== undefined) {
        const resolve = resolveReady;
        resolveReady = null;
        resolve(value);
      }
    }
  });
  if (readyPromise) {
    const outcome = await Promise.race([
      readyPromise.then((value) => ({ kind: 'ready' as const, value })),
      exited.then((code) => ({ kind: 'exited' as const, code })),
      sleep(opts.timeoutMs).then(() => ({ kind: 'timeout' as const })),
    ]);
    if (outcome.kind !== 'ready') {
      await child.stop(2_000);
      const why = outcome.kind === 'exited' ? `exited (${outcome.code})` : `did not get ready within ${opts.timeoutMs} ms`;
      throw new Error(`${opts.name} ${why}; last output:\n${await child.tail()}`);
    }
    result = outcome.value;
  }
  return { child, ready: result };
}

/** A free TCP port on loopback (closed again at once; good enough for a bench). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, failing early if `child` exits. */
export async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.hasExited()) throw new Error(`${child.name} exited while starting; last output:\n${await child.tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} was not ready at ${url} within ${timeoutMs} ms; last output:\n${await child.tail()}`);
    await sleep(150);
  }
}

/** A process as pid plus start time, so a pid reused by an unrelated process is never signalled. */
export type ProcessIdentity = { pid: number; start: string };

/** Start time of a live process; null for one that is gone or a zombie (exited, not yet reaped). */
function startTimeOf(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    return fields[22 - 3] ?? null;
  } catch {
    return null;
  }
}

export function identify(pids: number[]): ProcessIdentity[] {
  const out: ProcessIdentity[] = [];
  for (const pid of pids) {
    const start = startTimeOf(pid);
    if (start !== null) out.push({ pid, start });
  }
  return out;
}

/** SIGKILLs whichever of these processes (ones the bench caused to exist) is still alive. */
export function killLeftovers(processes: ProcessIdentity[]): number {
  let killed = 0;
  const seen = new Set<number>();
  for (const { pid, start } of processes) {
    if (seen.has(pid) || startTimeOf(pid) !== start) continue;
    seen.add(pid);
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}

/** Resident memory of a process in bytes (VmRSS), or null once it is gone. */
function rssOf(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Whether a process is a harness runtime itself: Node running its entry, not a wrapper (bwrap, prlimit) naming it. */
function isRuntime(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return (
      /node[^/]*$/.test(argv[0] ?? '') &&
      argv.some((arg) => arg.endsWith('harnesses/runtime/src/main.ts') || arg.endsWith('harnesses/runtime/dist/runtime.mjs'))
    );
  } catch {
    return false;
  }
}

/**
 * Memory of sandboxes: the resident set of each harness runtime process among `pids`,
 * and of everything (sandbox wrappers included) divided by the sandboxes counted.
 */
export function sandboxMemory(pids: number[]): { runtimes: number; runtimeRssBytes: number[]; treeRssBytes: number } {
  const runtimeRssBytes: number[] = [];
  let treeRssBytes = 0;
  for (const pid of pids) {
    const rss = rssOf(pid);
    if (rss === null) continue;
    treeRssBytes += rss;
    if (isRuntime(pid)) runtimeRssBytes.push(rss);
  }
  return { runtimes: runtimeRssBytes.length, runtimeRssBytes, treeRssBytes };
}
