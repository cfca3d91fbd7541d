import type { McpServerInput, McpTransport, ToolAction, ToolRuleInput } from '../../gql/graphql.ts';

/** One header row: a stored header (known by name only) being replaced, or a new one. */
export type HeaderRow = { key: string; name: string; value: string };

/** One MCP server in the editor. Stored header values cannot be read, only kept or replaced. */
export type McpRow = {
  key: string;
  name: string;
  url: string;
  transport: McpTransport;
  allowedTools: string;
  storedHeaderNames: string[];
  /** False: the stored headers are kept as they are (nothing about them is sent). */
  headersEdited: boolean;
  headers: HeaderRow[];
};

export type PolicyRow = { key: string; tool: string; commandPattern: string; action: ToolAction };

let counter = 0;
export const editorKey = (prefix: string) => `${prefix}-${++counter}`;

export function rowsFromServers(
  servers: readonly { name: string; url: string; transport: McpTransport; headerNames: string[]; allowedTools: string[] }[],
): McpRow[] {
  return servers.map((s) => ({
    key: editorKey('mcp'),
    name: s.name,
    url: s.url,
    transport: s.transport,
    allowedTools: s.allowedTools.join(', '),
    storedHeaderNames: s.headerNames,
    headersEdited: false,
    headers: [],
  }));
}

export function newServerRow(): McpRow {
  return {
    key: editorKey('mcp'),
    name: '',
    url: '',
    transport: 'STREAMABLE_HTTP' as McpTransport,
    allowedTools: '',
    storedHeaderNames: [],
    headersEdited: true,
    headers: [],
  };
}

export const newHeaderRow = (name = ''): HeaderRow => ({ key: editorKey('header'), name, value: '' });

/** The server as the API takes it; stored headers left alone are not sent, so they are kept. */
export function serverInput(row: McpRow): McpServerInput {
  const allowedTools = row.allowedTools
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const headers = row.headers.filter((h) => h.name.trim() !== '' || h.value !== '').map((h) => ({ name: h.name.trim(), value: h.value }));
  return {
    name: row.name.trim(),
    url: row.url.trim(),
    transport: row.transport,
    allowedTools,
    headers: row.headersEdited || row.storedHeaderNames.length === 0 ? headers : null,
  };
}

/** A problem a person can fix before saving, or null. */
export function mcpProblem(rows: readonly McpRow[]): string | null {
  const names = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return `MCP server "${name || '(unnamed)'}": names use lowercase letters, digits and "-".`;
    if (names.has(name)) return `MCP server ${name} is listed twice.`;
    names.add(name);
    if (!/^https?:\/\/\S+$/.test(row.url.trim())) return `MCP server ${name}: the URL must start with http:// or https://.`;
    for (const header of row.headersEdited ? row.headers : []) {
      if (header.name.trim() === '' && header.value === '') continue;
      if (header.name.trim() === '' || header.value === '') return `MCP server ${name}: give every header a name and a value, or remove it.`;
    }
  }
  return null;
}

export function rowsFromPolicy(rules: readonly { tool: string; commandPattern?: string | null; action: ToolAction }[]): PolicyRow[] {
  return rules.map((r) => ({ key: editorKey('rule'), tool: r.tool, commandPattern: r.commandPattern ?? '', action: r.action }));
}

export function policyInput(rows: readonly PolicyRow[]): ToolRuleInput[] {
  return rows.filter((r) => r.tool.trim() !== '').map((r) => ({ tool: r.tool.trim(), commandPattern: r.commandPattern.trim() || null, action: r.action }));
}
