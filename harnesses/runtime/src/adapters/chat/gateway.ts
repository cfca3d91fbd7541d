import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayConfig } from '../../api.ts';
import { nodeHttp } from '../../http/node-http.ts';
import { loadUndici } from '../../http/proxy.ts';
import { TurnError } from '../adapter.ts';

/** The most of an error body worth reading for its message. */
const ERROR_BODY_LIMIT = 8 * 1024;

/** Network errors worth another attempt: nothing reached the model, or the connection dropped before an answer. */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return String(cause);
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

async function errorMessage(body: { text(): Promise<string> }, status: number): Promise<string> {
  const text = (await body.text().catch(() => '')).slice(0, ERROR_BODY_LIMIT);
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: fall back to the raw text.
  }
  return text.trim() || (nodeHttp.STATUS_CODES[status] ?? '');
}

function describeStatus(status: number, url: string, model: string, detail: string): string {
  if (status === 401 || status === 403) {
    return `The model gateway rejected the API key (HTTP ${status}): ${detail}. Check the gateway API key configured for this agent.`;
  }
  if (status === 404) {
    return `The model gateway answered 404 for ${url} (model "${model}"): ${detail}. Check that the base URL includes /v1 and that the model exists.`;
  }
  if (status === 429) return `The model gateway is rate limiting requests (HTTP 429): ${detail}. Wait a minute, then send the message again.`;
  if (status >= 500) return `The model gateway failed (HTTP ${status}): ${detail}. Send the message again later; if it keeps failing, check the gateway.`;
  return `The model gateway refused the request (HTTP ${status}): ${detail}.`;
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A failed model request; `retryable` when the same request may succeed later (5xx, 429, a dropped connection). */
export class GatewayError extends TurnError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** What the gateway asked for in `Retry-After`, if anything. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number }) {
    super(message);
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/**
 * POSTs a streaming chat completion and returns its SSE body as a Node stream (undici's
 * `request`: no WHATWG stream and promise per chunk as with `fetch`), or throws a
 * GatewayError a person can act on.
 */
export async function openChatStream(
  gateway: GatewayConfig,
  body: Record<string, unknown>,
  signal: AbortSignal,
  /** Routes the call through the egress proxy; unset, it goes direct. */
  dispatcher?: Dispatcher,
  /** Trace context (`traceparent`) so the gateway's spans join the platform's trace. */
  traceHeaders: Record<string, string> = {},
): Promise<Readable> {
  const url = `${gateway.baseUrl}/chat/completions`;
  const headers: Record<string, string> = { ...traceHeaders, 'content-type': 'application/json', accept: 'text/event-stream' };
  if (gateway.apiKey !== '') headers.authorization = `Bearer ${gateway.apiKey}`;
  const { request } = await loadUndici();
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { method: 'POST', headers, body: JSON.stringify(body), signal, ...(dispatcher ? { dispatcher } : {}) });
  } catch (error) {
    if (signal.aborted) throw error;
    const code = networkCode(error);
    throw new GatewayError(
      `Could not reach the model gateway at ${url}: ${causeOf(error)}. Check that the gateway is running and that its base URL is right.`,
      { retryable: code !== undefined && RETRYABLE_NETWORK_CODES.has(code) },
    );
  }
  const status = res.statusCode;
  if (status < 200 || status > 299) {
    const retryable = status === 429 || status >= 500;
    const retryAfter = res.headers['retry-after'];
    throw new GatewayError(describeStatus(status, url, String(body.model), await errorMessage(res.body, status)), {
      retryable,
      status,
      retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null),
    });
  }
  return res.body;
}
