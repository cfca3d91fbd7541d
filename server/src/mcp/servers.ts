import type { McpServerConfig } from '@paddock/harness-runtime/api';
import type { AgentMcpServer, Prisma } from '../db/index.ts';
import { placeholderFor } from '../egress/placeholders.ts';
import type { SecretBox } from '../secrets/index.ts';
import type { ParsedMcpServer } from './validation.ts';

/** A header as stored: its value sealed like an env var. */
type StoredHeader = { name: string; ciphertext: string; hosts: string[] };

/** A server with its header values in the clear: for the egress proxy and connection tests only. */
export type OpenMcpServer = {
  name: string;
  url: string;
  transport: 'STREAMABLE_HTTP' | 'SSE';
  allowedTools: string[];
  headers: { name: string; value: string; hosts: string[] }[];
};

function storedHeaders(row: Pick<AgentMcpServer, 'headers'>): StoredHeader[] {
  return Array.isArray(row.headers) ? (row.headers as StoredHeader[]) : [];
}

export function headerNames(row: Pick<AgentMcpServer, 'headers'>): string[] {
  return storedHeaders(row).map((h) => h.name);
}

/** What the placeholder of a header value, and its redaction marker, are named. */
export function headerSecretName(server: string, header: string): string {
  return `mcp:${server}:${header}`;
}

/**
 * Rows for the agent's servers, in order. A server that already exists and comes without
 * headers keeps its stored ones, since values cannot be read back to be sent again.
 */
export function serverRows(
  secrets: SecretBox,
  input: readonly ParsedMcpServer[],
  existing: readonly AgentMcpServer[],
): Omit<Prisma.AgentMcpServerCreateManyInput, 'agentId'>[] {
  return input.map((server, position) => {
    const previous = existing.find((row) => row.name === server.name);
    const headers: StoredHeader[] = server.headers
      ? server.headers.map((h) => ({ name: h.name, ciphertext: secrets.seal(h.value), hosts: h.hosts ?? [] }))
      : previous
        ? storedHeaders(previous)
        : [];
    return { name: server.name, position, url: server.url, transport: server.transport, allowedTools: server.allowedTools, headers };
  });
}

export function openServer(secrets: SecretBox, row: AgentMcpServer): OpenMcpServer {
  return {
    name: row.name,
    url: row.url,
    transport: row.transport,
    allowedTools: row.allowedTools,
    headers: storedHeaders(row).map((h) => ({ name: h.name, value: secrets.open(h.ciphertext), hosts: h.hosts })),
  };
}

/** The servers as a sandbox gets them: header values are placeholders the egress proxy swaps back. */
export function runtimeServers(rows: readonly AgentMcpServer[], egressToken: string): McpServerConfig[] {
  return rows.map((row) => ({
    name: row.name,
    url: row.url,
    transport: row.transport,
    allowedTools: row.allowedTools,
    headers: Object.fromEntries(storedHeaders(row).map((h) => [h.name, placeholderFor(egressToken, headerSecretName(row.name, h.name))])),
  }));
}
