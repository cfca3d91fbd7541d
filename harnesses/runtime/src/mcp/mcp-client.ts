import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { fetch as undiciFetch, type Dispatcher, type RequestInit as UndiciRequestInit } from 'undici';
import type { McpServerConfig } from '../api.ts';
import type { Logger } from '../log.ts';
import { globMatches } from '../policy/tool-policy.ts';
import { MCP_SEPARATOR, type McpCallResult, type McpTool } from './mcp-tool.ts';

/**
 * The MCP SDK side of the hub, loaded only when a session has MCP servers: the SDK and
 * its schema validators are most of what a runtime would otherwise hold in memory.
 */

/** Connecting and listing one server's tools must finish within this. */
const CONNECT_TIMEOUT_MS = 15_000;
/** The most one response body, or one line of an event stream, may hold: a server must not fill the runtime's memory. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Function names OpenAI-compatible gateways accept. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A transport a Streamable HTTP server would refuse with one of these speaks legacy SSE. */
const LEGACY_STATUSES = new Set([400, 404, 405]);

export interface McpConnection {
  readonly tools: McpTool[];
  /** Names of the server's tools its allowedTools leave out. */
  readonly excluded: string[];
  call(name: string, input: Record<string, unknown>, timeoutMs: number, signal: AbortSignal): Promise<McpCallResult>;
  close(): Promise<void>;
}

/** Why a connection or call failed, in words a person can act on. */
export function describeMcpError(error: unknown): string {
  if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) {
    return `the server refused the credentials (HTTP ${error.code}); check the server's headers in the agent's MCP settings`;
  }
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) {
    return `HTTP ${error.code}: ${error.message}`;
  }
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    parts.push(typeof code === 'string' ? `${e.message} (${code})` : e.message);
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}

/** The SDK speaks WHATWG fetch; undici's carries the proxy dispatcher. Bodies are read through `capped`. */
function fetchVia(dispatcher: Dispatcher | undefined): FetchLike {
  return async (url, init) =>
    capped((await undiciFetch(url, { ...(init as UndiciRequestInit), ...(dispatcher ? { dispatcher } : {}) })) as unknown as Response);
}

/**
 * The response with its body limited to MAX_RESPONSE_BYTES: in all for a plain body, per
 * line for an event stream, which lives as long as the connection. Redirects pass as they
 * are, for the SDK to judge.
 */
function capped(response: Response): Response {
  if (!response.body || (response.status >= 300 && response.status < 400)) return response;
  const events = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  let held = 0;
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const lastNewline = events ? chunk.lastIndexOf(10) : -1;
      held = lastNewline === -1 ? held + chunk.length : chunk.length - lastNewline - 1;
      if (held > MAX_RESPONSE_BYTES) {
        controller.error(new Error(`the server sent more than ${MAX_RESPONSE_BYTES / 2 ** 20} MiB in one ${events ? 'event stream line' : 'response'}`));
      } else controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(limit), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** `work`, or the reason `signal` aborted, whichever comes first. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Connects to one server (Streamable HTTP, falling back to legacy SSE) and lists the tools the agent may use. */
export async function openConnection(server: McpServerConfig, dispatcher: Dispatcher | undefined, log: Logger, outer: AbortSignal): Promise<McpConnection> {
  const signal = AbortSignal.any([outer, AbortSignal.timeout(CONNECT_TIMEOUT_MS)]);
  const fetch = fetchVia(dispatcher);
  const url = new URL(server.url);
  const requestInit = { headers: server.headers };
  const attempt = async (transport: Transport): Promise<Client> => {
    const client = new Client({ name: 'paddock', version: '1' });
    try {
      // The signal covers the handshake's requests, not the transport's start: a legacy SSE
      // server that never names its endpoint would hold the connection open forever.
      await unlessAborted(client.connect(transport, { signal, timeout: CONNECT_TIMEOUT_MS }), signal);
      return client;
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  };
  const sse = () => new SSEClientTransport(url, { requestInit, fetch, eventSourceInit: { fetch } });
  let client: Client;
  if (server.transport === 'SSE') client = await attempt(sse());
  else {
    try {
      client = await attempt(new StreamableHTTPClientTransport(url, { requestInit, fetch }));
    } catch (error) {
      if (!(error instanceof StreamableHTTPError && error.code !== undefined && LEGACY_STATUSES.has(error.code))) throw error;
      log.info({ server: server.name }, 'MCP server does not speak Streamable HTTP; trying legacy SSE');
      client = await attempt(sse());
    }
  }
  try {
    const listed = await client.listTools(undefined, { signal, timeout: CONNECT_TIMEOUT_MS });
    const allowed = (name: string) => server.allowedTools.length === 0 || server.allowedTools.some((glob) => globMatches(glob, name));
    const tools = listed.tools
      .filter((tool) => allowed(tool.name))
      .map((tool): McpTool => ({
        qualifiedName: `${server.name}${MCP_SEPARATOR}${tool.name}`,
        server: server.name,
        name: tool.name,
        description: tool.description ?? '',
        inputSchema: tool.inputSchema as Record<string, unknown>,
      }))
      .filter((tool) => {
        const fits = FUNCTION_NAME.test(tool.qualifiedName);
        if (!fits) log.warn({ server: server.name, tool: tool.name }, 'MCP tool skipped: its name cannot be a function name');
        return fits;
      });
    log.info({ server: server.name, tools: tools.length }, 'MCP server connected');
    return {
      tools,
      excluded: listed.tools.filter((tool) => !allowed(tool.name)).map((tool) => tool.name),
      call: async (name, input, timeoutMs, callSignal) => {
        const result = await client.callTool({ name, arguments: input }, undefined, { signal: callSignal, timeout: timeoutMs });
        return { output: resultText(result), isError: 'isError' in result && result.isError === true };
      },
      close: () => client.close(),
    };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

type ContentBlock = { type: string; text?: string; mimeType?: string; data?: string; resource?: { uri?: string; text?: string } };

/** An MCP tool result as the text the model reads: text blocks as they are, other blocks described. */
function resultText(result: Record<string, unknown>): string {
  const blocks = Array.isArray(result.content) ? (result.content as ContentBlock[]) : [];
  const parts = blocks.map((block) => {
    if (block.type === 'text') return block.text ?? '';
    if (block.type === 'resource') return block.resource?.text ?? `[resource ${block.resource?.uri ?? ''}]`;
    if (block.type === 'image' || block.type === 'audio')
      return `[${block.type} ${block.mimeType ?? ''}, ${Math.floor(((block.data ?? '').length * 3) / 4)} bytes]`;
    return `[${block.type}]`;
  });
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}
