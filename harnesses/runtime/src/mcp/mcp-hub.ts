import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { fetch as undiciFetch, type Dispatcher, type RequestInit as UndiciRequestInit } from 'undici';
import type { McpServerConfig } from '../api.ts';
import type { Logger } from '../log.ts';
import { globMatches } from '../policy/tool-policy.ts';

/** Separates server and tool in the names the model sees: `github__create_issue`. */
export const MCP_SEPARATOR = '__';
/** Connecting and listing one server's tools must finish within this. */
const CONNECT_TIMEOUT_MS = 15_000;
/** Function names OpenAI-compatible gateways accept. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface McpTool {
  /** What the model calls it: `<server>__<tool>`. */
  qualifiedName: string;
  server: string;
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface McpFailure {
  server: string;
  error: string;
}

export interface McpCallResult {
  output: string;
  isError: boolean;
}

type Connection = { client: Client; tools: McpTool[] };

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

/** A transport a Streamable HTTP server would refuse with one of these speaks legacy SSE. */
const LEGACY_STATUSES = new Set([400, 404, 405]);

/**
 * The agent's MCP servers for one attached session: connected when a turn first needs
 * them, through the egress proxy (which swaps the placeholder header values for the real
 * credentials). A server that failed is tried again at the next turn.
 */
export class McpHub {
  readonly #servers: readonly McpServerConfig[];
  readonly #fetch: FetchLike;
  readonly #log: Logger;
  readonly #connections = new Map<string, Connection>();

  constructor(servers: readonly McpServerConfig[], dispatcher: Dispatcher | undefined, log: Logger) {
    this.#servers = servers;
    this.#log = log;
    // The SDK speaks WHATWG fetch; undici's carries the proxy dispatcher.
    this.#fetch = (url, init) => undiciFetch(url, { ...(init as UndiciRequestInit), ...(dispatcher ? { dispatcher } : {}) }) as unknown as Promise<Response>;
  }

  get empty(): boolean {
    return this.#servers.length === 0;
  }

  /** Connects every server not yet connected; returns the ones that failed. */
  async connect(signal: AbortSignal): Promise<McpFailure[]> {
    const pending = this.#servers.filter((s) => !this.#connections.has(s.name));
    const results = await Promise.all(
      pending.map(async (server): Promise<McpFailure | null> => {
        try {
          this.#connections.set(server.name, await this.#open(server, signal));
          return null;
        } catch (error) {
          if (signal.aborted) throw error;
          const message = describeMcpError(error);
          this.#log.warn({ server: server.name, error: message }, 'MCP server unavailable');
          return { server: server.name, error: message };
        }
      }),
    );
    return results.filter((r): r is McpFailure => r !== null);
  }

  /** Tools of the connected servers, as offered to the model. */
  tools(): McpTool[] {
    return [...this.#connections.values()].flatMap((c) => c.tools);
  }

  find(qualifiedName: string): McpTool | undefined {
    return this.tools().find((t) => t.qualifiedName === qualifiedName);
  }

  /** Calls a tool; a failure drops the connection so the next turn reconnects. */
  async call(tool: McpTool, input: Record<string, unknown>, timeoutMs: number, signal: AbortSignal): Promise<McpCallResult> {
    const connection = this.#connections.get(tool.server);
    if (!connection) throw new Error('not connected');
    try {
      const result = await connection.client.callTool({ name: tool.name, arguments: input }, undefined, { signal, timeout: timeoutMs });
      return { output: resultText(result), isError: 'isError' in result && result.isError === true };
    } catch (error) {
      if (!signal.aborted) this.#drop(tool.server);
      throw error;
    }
  }

  async close(): Promise<void> {
    const open = [...this.#connections.keys()];
    await Promise.all(open.map((name) => this.#drop(name)));
  }

  async #drop(name: string): Promise<void> {
    const connection = this.#connections.get(name);
    this.#connections.delete(name);
    await connection?.client.close().catch(() => undefined);
  }

  async #open(server: McpServerConfig, outer: AbortSignal): Promise<Connection> {
    const signal = AbortSignal.any([outer, AbortSignal.timeout(CONNECT_TIMEOUT_MS)]);
    const url = new URL(server.url);
    const requestInit = { headers: server.headers };
    const attempt = async (transport: Transport): Promise<Client> => {
      const client = new Client({ name: 'paddock', version: '1' });
      try {
        await client.connect(transport, { signal, timeout: CONNECT_TIMEOUT_MS });
        return client;
      } catch (error) {
        await client.close().catch(() => undefined);
        throw error;
      }
    };
    const sse = () => new SSEClientTransport(url, { requestInit, fetch: this.#fetch, eventSourceInit: { fetch: this.#fetch } });
    let client: Client;
    if (server.transport === 'SSE') client = await attempt(sse());
    else {
      try {
        client = await attempt(new StreamableHTTPClientTransport(url, { requestInit, fetch: this.#fetch }));
      } catch (error) {
        if (!(error instanceof StreamableHTTPError && error.code !== undefined && LEGACY_STATUSES.has(error.code))) throw error;
        this.#log.info({ server: server.name }, 'MCP server does not speak Streamable HTTP; trying legacy SSE');
        client = await attempt(sse());
      }
    }
    try {
      const listed = await client.listTools(undefined, { signal, timeout: CONNECT_TIMEOUT_MS });
      const tools = listed.tools
        .filter((tool) => server.allowedTools.length === 0 || server.allowedTools.some((glob) => globMatches(glob, tool.name)))
        .map((tool): McpTool => ({
          qualifiedName: `${server.name}${MCP_SEPARATOR}${tool.name}`,
          server: server.name,
          name: tool.name,
          description: tool.description ?? '',
          inputSchema: tool.inputSchema as Record<string, unknown>,
        }))
        .filter((tool) => {
          const fits = FUNCTION_NAME.test(tool.qualifiedName);
          if (!fits) this.#log.warn({ server: server.name, tool: tool.name }, 'MCP tool skipped: its name cannot be a function name');
          return fits;
        });
      this.#log.info({ server: server.name, tools: tools.length }, 'MCP server connected');
      return { client, tools };
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
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
