import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { descendantsOf, signalAll } from '../../process/process-tree.ts';

/** After SIGTERM, how long the CLI and its commands get before SIGKILL: cancel must land within a second. */
const KILL_GRACE_MS = 500;
/** After the CLI exits, how long to wait for its output pipes to close (a background job may hold them open). */
const PIPE_DRAIN_MS = 1_000;
/** How much of stderr to keep for error messages. */
const STDERR_TAIL_BYTES = 4 * 1024;

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all. */
  error?: Error;
}

export interface CliProcessOptions {
  program: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  /**
   * Written to stdin first. It is then closed, unless `keepStdinOpen`; undefined writes nothing
   * and keeps stdin open (a JSON-RPC peer).
   */
  stdin: string | undefined;
  /** Keeps stdin open after `stdin` for later `write`s (answers to the CLI's permission requests). */
  keepStdinOpen?: boolean;
  /** Called for every stdout line, in order. */
  onLine(line: string): void;
}

/** One run of a command-line agent in its own process group, read line by line. */
export class CliProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<CliExit>;
  /** Every pid seen in the tree, so a SIGKILL still reaches children the CLI's exit orphaned. */
  readonly #tree = new Set<number>();
  #stderr = '';
  #stopping = false;

  constructor(options: CliProcessOptions) {
    this.#child = spawn(options.program, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stdin.on('error', () => undefined); // A CLI that exits early closes its stdin; its exit says why.
    if (options.stdin !== undefined) {
      if (options.keepStdinOpen) this.#child.stdin.write(options.stdin);
      else this.#child.stdin.end(options.stdin);
    }
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    createInterface({ input: this.#child.stdout, crlfDelay: Infinity }).on('line', options.onLine);
    this.exited = this.#waitForExit();
  }

  #waitForExit(): Promise<CliExit> {
    return new Promise((resolve) => {
      let exit: CliExit | undefined;
      let drain: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(drain);
        this.#child.stdout.destroy();
        this.#child.stderr.destroy();
        resolve(exit ?? { code: null, signal: null });
      };
      this.#child.once('error', (error) => {
        exit = { code: null, signal: null, error };
        finish();
      });
      this.#child.once('exit', (code, signal) => {
        exit = { code, signal };
        drain = setTimeout(finish, PIPE_DRAIN_MS);
      });
      this.#child.once('close', finish);
    });
  }

  /** Not exited yet; known as soon as the process is reaped, before its pipes close. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Writes to the CLI's open stdin; false once it is closed. */
  write(text: string): boolean {
    if (!this.#child.stdin.writable) return false;
    this.#child.stdin.write(text);
    return true;
  }

  /** Closes stdin: a CLI reading from it (a conversation, JSON-RPC requests) finishes once it has answered. */
  endInput(): void {
    if (this.#child.stdin.writable) this.#child.stdin.end();
  }

  /** The last few KiB the CLI wrote to stderr. */
  get stderrTail(): string {
    return this.#stderr;
  }

  /** Stops the CLI and everything it started: SIGTERM now, SIGKILL after a short grace. */
  stop(): void {
    const root = this.#child.pid;
    if (root === undefined || this.#stopping) return;
    this.#stopping = true;
    const snapshot = () => {
      for (const pid of descendantsOf(root)) this.#tree.add(pid);
    };
    snapshot();
    signalAll(root, [root, ...this.#tree], 'SIGTERM');
    setTimeout(() => {
      snapshot();
      signalAll(root, [root, ...this.#tree], 'SIGKILL');
    }, KILL_GRACE_MS).unref();
  }
}
