import { fetch, type Dispatcher } from 'undici';
import type { GatewayConfig } from '../../api.ts';
import { TurnError } from '../adapter.ts';

/** The most of an error body worth reading for its message. */
const ERROR_BODY_LIMIT = 8 * 1024;

function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return String(cause);
}

async function errorMessage(res: { text(): Promise<string>; statusText: string }): Promise<string> {
  const text = (await res.text().catch(() => '')).slice(0, ERROR_BODY_LIMIT);
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: fall back to the raw text.
  }
  return text.trim() || res.statusText;
}

function describeStatus(status: number, url: string, model: string, detail: string): string {
  if (status === 401 || status === 403) {
    return `The model gateway rejected the API key (HTTP ${status}): ${detail}. Check the gateway API key configured for this agent.`;
  }
  if (status === 404) {
    return `The model gateway answered 404 for ${url} (model "${model}"): ${detail}. Check that the base URL includes /v1 and that the model exists.`;
  }
  if (status === 429) return `The model gateway is rate limiting requests (HTTP 429): ${detail}. Try again shortly.`;
  if (status >= 500) return `The model gateway failed (HTTP ${status}): ${detail}.`;
  return `The model gateway refused the request (HTTP ${status}): ${detail}.`;
}

/** POSTs a streaming chat completion and returns its SSE body, or throws a TurnError a person can act on. */
export async function openChatStream(
  gateway: GatewayConfig,
  body: Record<string, unknown>,
  signal: AbortSignal,
  /** Routes the call through the egress proxy; unset, it goes direct. */
  dispatcher?: Dispatcher,
): Promise<ReadableStream<Uint8Array>> {
  const url = `${gateway.baseUrl}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (gateway.apiKey !== '') headers.authorization = `Bearer ${gateway.apiKey}`;
  let res: Awaited<ReturnType<typeof fetch>>;
  try {
    res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal, ...(dispatcher ? { dispatcher } : {}) });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new TurnError(`Could not reach the model gateway at ${url}: ${causeOf(error)}. Check that the gateway is running and that its base URL is right.`);
  }
  if (!res.ok) {
    throw new TurnError(describeStatus(res.status, url, String(body.model), await errorMessage(res)));
  }
  if (!res.body) throw new TurnError(`The model gateway at ${url} sent an empty response.`);
  return res.body as ReadableStream<Uint8Array>;
}
