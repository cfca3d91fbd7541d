import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CappedOutput } from './capped-output.ts';
import { killLeftovers } from './process-tree.ts';

export interface RunOptions {
  command: string;
  cwd: string;
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Per stream (stdout, stderr). */
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** `none`: a private network namespace with only loopback. Fails closed if it cannot be made. */
  network?: 'host' | 'none';
  /** The sandbox's memory limit, named when the kernel kills a command. */
  memoryLimitBytes?: number | undefined;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  truncated: boolean;
}

/** After SIGTERM, how long the process tree gets before SIGKILL. */
const KILL_GRACE_MS = 300;
/**
 * After the shell exits, how long to wait for its pipes to close. A background job
 * (`server &`) keeps them open forever; we stop reading rather than hang the agent.
 */
const PIPE_DRAIN_MS = 200;

function signalExitCode(signal: NodeJS.Signals | null): number {
  return signal ? 128 + (constants.signals[signal] ?? 0) : 1;
}

/** Why a command died of a SIGKILL nobody here sent: almost always the memory limit. */
function killedNote(memoryLimitBytes: number | undefined): string {
  const limit = memoryLimitBytes === undefined ? '' : ` of ${Math.round(memoryLimitBytes / 1024 / 1024)} MiB`;
  return `[killed (SIGKILL): the command most likely used more than the sandbox's memory limit${limit}]`;
}

/** Signals the whole process group: the shell runs as its leader (`detached`). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs `/bin/sh -c command` in its own process group, with a deadline and an abort switch. */
export function runCommand(options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const stdout = new CappedOutput(options.maxOutputBytes);
    const stderr = new CappedOutput(options.maxOutputBytes);
    let timedOut = false;
    let cancelled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const argv = options.network === 'none' ? ['unshare', '--map-root-user', '--net', '/bin/sh', '-c', options.command] : ['/bin/sh', '-c', options.command];
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    const stop = () => {
      killGroup(child.pid, 'SIGTERM');
      // Not cleared on finish: members of the group may outlive the shell.
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const onAbort = () => {
      cancelled = true;
      stop();
    };

    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      // Nothing a command starts outlives it: its group, and whatever it detached.
      killGroup(child.pid, 'SIGKILL');
      killLeftovers();
      if (error) stderr.push(Buffer.from(`${error.message}\n`));
      // SIGKILL nobody here sent, to the command or to what its shell ran last (exit 137).
      const killed = exit?.signal === 'SIGKILL' || exit?.code === 128 + constants.signals.SIGKILL;
      if (killed && !timedOut && !cancelled) stderr.push(Buffer.from(`${killedNote(options.memoryLimitBytes)}\n`));
      const code = error ? 127 : (exit?.code ?? signalExitCode(exit?.signal ?? null));
      resolve({
        exitCode: code,
        stdout: stdout.text(),
        stderr: stderr.text(),
        timedOut,
        cancelled,
        truncated: stdout.truncated || stderr.truncated,
      });
    };

    child.on('error', finish);
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      timers.push(setTimeout(() => finish(), PIPE_DRAIN_MS));
    });
    child.on('close', () => finish());

    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs),
    );
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
