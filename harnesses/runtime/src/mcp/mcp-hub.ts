import type { Dispatcher } from 'undici';
import type { McpServerConfig } from '../api.ts';
import type { Logger } from '../log.ts';
import type * as McpClient from './mcp-client.ts';
import type { McpConnection } from './mcp-client.ts';
import type { McpCallResult, McpTool } from './mcp-tool.ts';

export { MCP_SEPARATOR, type McpCallResult, type McpTool } from './mcp-tool.ts';

/** A server that answered, with the names of its tools the agent's allowedTools leave out. */
export interface ReachableMcpServer {
  config: McpServerConfig;
  excludedTools: string[];
}

export interface McpFailure {
  server: string;
  error: string;
}

/** A failed tool call; the message says why in words a person can act on. */
export class McpCallError extends Error {}

/** The SDK side, loaded by the first session that has MCP servers (most have none). */
let clientModule: Promise<typeof McpClient> | undefined;
const loadClient = () => (clientModule ??= import('./mcp-client.ts'));

/**
 * The agent's MCP servers for one attached session: connected when a turn first needs
 * them, through the egress proxy (which swaps the placeholder header values for the real
 * credentials). A server that failed is tried again at the next turn.
 */
export class McpHub {
  readonly #servers: readonly McpServerConfig[];
  readonly #dispatcher: Dispatcher | undefined | (() => Promise<Dispatcher | undefined>);
  readonly #log: Logger;
  readonly #connections = new Map<string, McpConnection>();

  /** `dispatcher` carries the connections (unset: direct); a function is asked only when a server is connected. */
  constructor(servers: readonly McpServerConfig[], dispatcher: Dispatcher | undefined | (() => Promise<Dispatcher | undefined>), log: Logger) {
    this.#servers = servers;
    this.#dispatcher = dispatcher;
    this.#log = log;
  }

  get empty(): boolean {
    return this.#servers.length === 0;
  }

  /** Connects every server not yet connected; returns the ones that failed. */
  async connect(signal: AbortSignal): Promise<McpFailure[]> {
    const pending = this.#servers.filter((s) => !this.#connections.has(s.name));
    if (pending.length === 0) return [];
    const opened = await this.#open(pending, signal);
    for (const [name, connection] of opened.connections) this.#connections.set(name, connection);
    return opened.failures;
  }

  /**
   * Connects to every server afresh and closes again: the ones answering now, for a CLI
   * that connects to them itself (Codex starts a turn without a server still handshaking).
   */
  async reachable(signal: AbortSignal): Promise<{ ready: ReachableMcpServer[]; failures: McpFailure[] }> {
    if (this.empty) return { ready: [], failures: [] };
    const { connections, failures } = await this.#open(this.#servers, signal);
    await Promise.all([...connections.values()].map((c) => c.close().catch(() => undefined)));
    const ready = this.#servers.flatMap((config) => {
      const connection = connections.get(config.name);
      return connection ? [{ config, excludedTools: connection.excluded }] : [];
    });
    return { ready, failures };
  }

  async #open(servers: readonly McpServerConfig[], signal: AbortSignal): Promise<{ connections: Map<string, McpConnection>; failures: McpFailure[] }> {
    const { openConnection, describeMcpError } = await loadClient();
    const dispatcher = typeof this.#dispatcher === 'function' ? await this.#dispatcher() : this.#dispatcher;
    const connections = new Map<string, McpConnection>();
    const failures: McpFailure[] = [];
    await Promise.all(
      servers.map(async (server) => {
        try {
          connections.set(server.name, await openConnection(server, dispatcher, this.#log, signal));
        } catch (error) {
          if (signal.aborted) return;
          const message = describeMcpError(error);
          this.#log.warn({ server: server.name, error: message }, 'MCP server unavailable');
          failures.push({ server: server.name, error: message });
        }
      }),
    );
    if (signal.aborted) {
      await Promise.all([...connections.values()].map((c) => c.close().catch(() => undefined)));
      signal.throwIfAborted();
    }
    return { connections, failures };
  }

  /** Tools of the connected servers, as offered to the model. */
  tools(): McpTool[] {
    return [...this.#connections.values()].flatMap((c) => c.tools);
  }

  find(qualifiedName: string): McpTool | undefined {
    return this.tools().find((t) => t.qualifiedName === qualifiedName);
  }

  /** Calls a tool; a failure (an McpCallError unless cancelled) drops the connection so the next turn reconnects. */
  async call(tool: McpTool, input: Record<string, unknown>, timeoutMs: number, signal: AbortSignal): Promise<McpCallResult> {
    const connection = this.#connections.get(tool.server);
    if (!connection) throw new McpCallError('not connected');
    try {
      return await connection.call(tool.name, input, timeoutMs, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      void this.#drop(tool.server);
      const { describeMcpError } = await loadClient();
      throw new McpCallError(describeMcpError(error), { cause: error });
    }
  }

  async close(): Promise<void> {
    const open = [...this.#connections.keys()];
    await Promise.all(open.map((name) => this.#drop(name)));
  }

  async #drop(name: string): Promise<void> {
    const connection = this.#connections.get(name);
    this.#connections.delete(name);
    await connection?.close().catch(() => undefined);
  }
}
