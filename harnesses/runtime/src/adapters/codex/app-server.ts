import { CliProcess, type CliExit } from '../cli/cli-process.ts';
import { isJson, obj, str, type Json } from '../cli/json.ts';

/** A request `codex app-server` sends the client (an approval, say); answered with `respond`. */
export interface ServerRequest {
  id: string | number;
  method: string;
  params: Json;
}

export interface AppServerHandlers {
  notification(method: string, params: Json): void;
  request(request: ServerRequest): void;
}

/** A JSON-RPC error answer from the app server. */
export class AppServerError extends Error {}

/** How long the app server gets to answer a request of ours (start a thread, a turn). */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * One `codex app-server` process spoken to over stdio: JSON-RPC 2.0 without the
 * `jsonrpc` field, one message per line. The client asks (initialize, thread/start,
 * turn/start); the server notifies (items, usage, turn end) and asks in turn (approvals).
 */
export class AppServer {
  readonly #proc: CliProcess;
  readonly #waiting = new Map<number, { resolve(result: Json): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  #nextId = 1;
  #handlers: AppServerHandlers;
  #running = true;
  readonly exited: Promise<CliExit>;

  constructor(options: { program: string; args: readonly string[]; env: Readonly<Record<string, string>>; cwd: string; handlers: AppServerHandlers }) {
    this.#handlers = options.handlers;
    this.#proc = new CliProcess({ ...options, stdin: undefined, onLine: (line) => this.#line(line) });
    this.exited = this.#proc.exited.then((exit) => {
      this.#running = false;
      for (const [, waiter] of this.#waiting) {
        clearTimeout(waiter.timer);
        waiter.reject(new AppServerError(`codex app-server exited (${exit.error?.message ?? exit.signal ?? `exit code ${exit.code}`})`));
      }
      this.#waiting.clear();
      return exit;
    });
  }

  /** Routes later messages elsewhere (the next run of a turn that paused). */
  set handlers(handlers: AppServerHandlers) {
    this.#handlers = handlers;
  }

  /** False once the process has exited. */
  get running(): boolean {
    return this.#running;
  }

  get stderrTail(): string {
    return this.#proc.stderrTail;
  }

  #line(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (!isJson(message)) return;
    const { id, method } = message;
    if (typeof method === 'string') {
      if (typeof id === 'string' || typeof id === 'number') this.#handlers.request({ id, method, params: obj(message.params) });
      else this.#handlers.notification(method, obj(message.params));
      return;
    }
    if (typeof id !== 'number') return;
    const waiter = this.#waiting.get(id);
    if (!waiter) return;
    this.#waiting.delete(id);
    clearTimeout(waiter.timer);
    if (message.error !== undefined) waiter.reject(new AppServerError(str(obj(message.error).message) || 'codex app-server refused the request'));
    else waiter.resolve(obj(message.result));
  }

  #send(message: Json): void {
    this.#proc.write(`${JSON.stringify(message)}\n`);
  }

  request(method: string, params: Json): Promise<Json> {
    const id = this.#nextId++;
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new AppServerError(`codex app-server did not answer ${method} within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.#waiting.set(id, { resolve, reject, timer });
      this.#send({ id, method, params });
    });
  }

  notify(method: string, params: Json = {}): void {
    this.#send({ method, params });
  }

  respond(id: string | number, result: Json): void {
    this.#send({ id, result });
  }

  /** Answers a request this client does not serve. */
  refuse(id: string | number, message: string): void {
    this.#send({ id, error: { code: -32601, message } });
  }

  /** Ends the process gracefully (end of input), killing its tree if it lingers. */
  async close(graceMs: number): Promise<void> {
    this.#proc.endInput();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#proc.stop();
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited.then(() => undefined), late]);
    clearTimeout(timer);
  }

  /** Stops the process and everything it started at once. */
  stop(): void {
    this.#proc.stop();
  }
}
