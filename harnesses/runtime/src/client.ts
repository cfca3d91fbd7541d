import { Agent, fetch as undiciFetch } from 'undici';
import type {
  AttachRequest,
  AttachResponse,
  ErrorBody,
  ErrorCode,
  ExecRequest,
  ExecResult,
  FileEntry,
  FileList,
  HealthResponse,
  StartTurnRequest,
  WriteFileResponse,
} from './api.ts';
import { isTerminalEvent, type RuntimeEvent } from './events.ts';
import { readNdjson } from './ndjson.ts';

export type * from './api.ts';
export type * from './events.ts';
export { isTerminalEvent } from './events.ts';

export interface RuntimeClientOptions {
  /** e.g. `http://10.0.0.7:8080` (no trailing path), or `unix:/path/to/runtime.sock`. */
  baseUrl: string;
  token: string;
  /** Deadline for non-streaming calls (default 30 s; exec adds its own timeout on top). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface TurnOptions {
  signal?: AbortSignal;
  /** W3C `traceparent` of the platform's span for this turn; the runtime's model requests continue that trace. */
  traceparent?: string;
}

/** A failed call: `status` is the HTTP status (0 when the runtime could not be reached). */
export class RuntimeError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'unreachable' | 'stream_interrupted';
  constructor(status: number, code: RuntimeError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeError';
    this.status = status;
    this.code = code;
  }
}

async function errorFrom(res: Response): Promise<RuntimeError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as ErrorBody;
    return new RuntimeError(res.status, body.error.code, body.error.message);
  } catch {
    return new RuntimeError(res.status, 'internal', text || `HTTP ${res.status}`);
  }
}

const UNIX_PREFIX = 'unix:';

/** The endpoint of a runtime that listens on a Unix socket (local sandboxes have no network). */
export function unixEndpoint(socketPath: string): string {
  return `${UNIX_PREFIX}${socketPath}`;
}

/** `fetch` over one Unix socket: every URL's host is ignored. */
function socketFetch(socketPath: string): typeof fetch {
  const dispatcher = new Agent({ connect: { socketPath } });
  const viaSocket = (input: string, init?: RequestInit) => undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher });
  return viaSocket as unknown as typeof fetch;
}

/** Typed client for the harness runtime's HTTP API, used by the platform. */
export class RuntimeClient {
  readonly #base: string;
  /** The endpoint as given, for error messages. */
  readonly #shown: string;
  readonly #auth: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: RuntimeClientOptions) {
    const socketPath = options.baseUrl.startsWith(UNIX_PREFIX) ? options.baseUrl.slice(UNIX_PREFIX.length) : undefined;
    this.#base = socketPath === undefined ? options.baseUrl.replace(/\/+$/, '') : 'http://runtime';
    this.#shown = socketPath === undefined ? this.#base : options.baseUrl;
    this.#auth = `Bearer ${options.token}`;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? (socketPath === undefined ? fetch : socketFetch(socketPath));
  }

  async #request(
    method: string,
    path: string,
    init: { body?: string; json?: boolean; signal?: AbortSignal; timeoutMs?: number; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers, authorization: this.#auth };
    if (init.body !== undefined) headers['content-type'] = init.json === false ? 'text/plain; charset=utf-8' : 'application/json';
    const signal = init.signal ?? AbortSignal.timeout(init.timeoutMs ?? this.#timeoutMs);
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}${path}`, { method, headers, body: init.body, signal });
    } catch (error) {
      if (signal.aborted && init.signal) throw error;
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new RuntimeError(0, 'unreachable', `Could not reach the harness runtime at ${this.#shown}: ${reason}`, { cause: error });
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  async #json<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const res = await this.#request(method, path, { body: body === undefined ? undefined : JSON.stringify(body), timeoutMs });
    return (await res.json()) as T;
  }

  health(): Promise<HealthResponse> {
    return this.#json('GET', '/v1/health');
  }

  /** Attaches (or replaces) the session, including the history to rehydrate from. */
  attach(request: AttachRequest): Promise<AttachResponse> {
    return this.#json('POST', '/v1/session', request);
  }

  /**
   * Starts a turn and yields its events until the terminal one. Throws `RuntimeError`
   * (409 when a turn is running or no session is attached) on the first iteration.
   * Leaving the loop early, or aborting `signal`, disconnects and so cancels the turn.
   */
  async *startTurn(request: StartTurnRequest, options: TurnOptions = {}): AsyncGenerator<RuntimeEvent, void, undefined> {
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const headers = options.traceparent ? { traceparent: options.traceparent } : undefined;
    const res = await this.#request('POST', '/v1/turns', { body: JSON.stringify(request), signal, ...(headers ? { headers } : {}) });
    if (!res.body) throw new RuntimeError(res.status, 'stream_interrupted', 'The runtime sent no event stream.');
    let terminal = false;
    try {
      for await (const value of readNdjson(res.body)) {
        if (terminal) continue;
        const event = value as RuntimeEvent;
        yield event;
        // Keep reading to the end of the body so the keep-alive connection is reused.
        terminal = isTerminalEvent(event);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      throw new RuntimeError(0, 'stream_interrupted', `The turn's event stream broke: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    } finally {
      if (!terminal) controller.abort();
    }
    if (!terminal) throw new RuntimeError(0, 'stream_interrupted', 'The turn event stream ended before a terminal event.');
  }

  /** Cancels a running turn; false when no turn with that id is running. */
  async cancel(turnId: string): Promise<boolean> {
    try {
      await this.#request('POST', `/v1/turns/${encodeURIComponent(turnId)}/cancel`);
      return true;
    } catch (error) {
      if (error instanceof RuntimeError && error.status === 404) return false;
      throw error;
    }
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    return this.#json('POST', '/v1/exec', request, (request.timeoutMs ?? 30_000) + this.#timeoutMs);
  }

  async listFiles(path = '.'): Promise<FileEntry[]> {
    const list = await this.#json<FileList>('GET', `/v1/files?path=${encodeURIComponent(path)}`);
    return list.entries;
  }

  async readFile(path: string): Promise<string> {
    const res = await this.#request('GET', `/v1/files/content?path=${encodeURIComponent(path)}`);
    return res.text();
  }

  async writeFile(path: string, content: string): Promise<WriteFileResponse> {
    const res = await this.#request('PUT', `/v1/files/content?path=${encodeURIComponent(path)}`, { body: content, json: false });
    return (await res.json()) as WriteFileResponse;
  }
}
