import { globMatches } from '@paddock/harness-runtime/tool-policy';

/** One of the agent's MCP servers, as the proxy holds requests to it to its allowedTools. */
export type McpEndpoint = { server: string; host: string; port: number; path: string; allowedTools: string[] };

/** The most of a request body the proxy reads to check the tool calls in it. */
export const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

/** Host, port and path of a server's URL, as the proxy sees requests to it. */
export function mcpEndpoint(server: { name: string; url: string; allowedTools: string[] }): McpEndpoint {
  const url = new URL(server.url);
  return {
    server: server.name,
    host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(),
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    path: url.pathname,
    allowedTools: server.allowedTools,
  };
}

/** Whether requests to this host must be read before they pass: some server on it allows only some tools. */
export function checksMcpCalls(endpoints: readonly McpEndpoint[]): boolean {
  return endpoints.some((e) => e.allowedTools.length > 0);
}

export type RefusedCall = { reason: string; /** The JSON-RPC id of a lone request, to answer it in kind. */ id: string | number | null };

/**
 * Why a POST to an MCP server's host must not pass, or null. `endpoints` are the agent's
 * servers on that host and port. A request on a server's own path answers to that server's
 * allowedTools (empty: every tool); one on another path (a legacy SSE server's message
 * endpoint, say) to those of every server on the host. Every `tools/call` in the body must
 * name a tool they let through; a body that is not JSON-RPC is refused, not guessed at.
 */
export function refusedMcpCall(endpoints: readonly McpEndpoint[], pathname: string, body: Buffer): RefusedCall | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { reason: 'the request to an MCP server with allowedTools is not JSON', id: null };
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  const own = endpoints.filter((e) => e.path === pathname);
  const judges = own.length > 0 ? own : endpoints;
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) return { reason: 'the request to an MCP server with allowedTools is not JSON-RPC', id: null };
    const { method, params, id } = message as { method?: unknown; params?: { name?: unknown }; id?: unknown };
    if (method !== 'tools/call') continue;
    const lone = !Array.isArray(parsed) && (typeof id === 'string' || typeof id === 'number') ? id : null;
    const name = params?.name;
    if (typeof name !== 'string') return { reason: 'a tools/call names no tool', id: lone };
    const refusing = judges.find((e) => e.allowedTools.length > 0 && !e.allowedTools.some((glob) => globMatches(glob, name)));
    if (refusing) return { reason: `tool "${name}" is not in the allowedTools of MCP server "${refusing.server}"`, id: lone };
  }
  return null;
}
