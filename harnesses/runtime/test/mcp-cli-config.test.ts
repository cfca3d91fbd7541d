import { describe, expect, it } from 'vitest';
import type { McpServerConfig } from '../src/api.ts';
import { claudeMcpArgs } from '../src/adapters/claude-code/protocol.ts';
import { codexMcpArgs } from '../src/adapters/codex/protocol.ts';

const servers: McpServerConfig[] = [
  { name: 'docs', url: 'https://mcp.example.com/mcp', transport: 'STREAMABLE_HTTP', headers: { Authorization: 'Bearer paddock-secret-abc' }, allowedTools: [] },
  { name: 'old-sse', url: 'https://sse.example.com/sse', transport: 'SSE', headers: {}, allowedTools: [] },
];

describe('MCP servers for command-line agents', () => {
  it('Claude Code gets them as --mcp-config JSON, and only them', () => {
    const args = claudeMcpArgs(servers);
    expect(args[0]).toBe('--mcp-config');
    expect(JSON.parse(args[1]!)).toEqual({
      mcpServers: {
        docs: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer paddock-secret-abc' } },
        'old-sse': { type: 'sse', url: 'https://sse.example.com/sse', headers: {} },
      },
    });
    expect(args[2]).toBe('--strict-mcp-config');
    expect(claudeMcpArgs([])).toEqual([]);
  });

  it('Codex gets them as mcp_servers configuration overrides in TOML, with a startup timeout a busy node can meet, each required so Codex waits for it', () => {
    expect(codexMcpArgs(servers)).toEqual([
      '--config',
      'mcp_servers.docs.url="https://mcp.example.com/mcp"',
      '--config',
      'mcp_servers.docs.http_headers={ "Authorization" = "Bearer paddock-secret-abc" }',
      '--config',
      'mcp_servers.docs.startup_timeout_sec=60',
      '--config',
      'mcp_servers.docs.required=true',
      '--config',
      'mcp_servers.old-sse.url="https://sse.example.com/sse"',
      '--config',
      'mcp_servers.old-sse.startup_timeout_sec=60',
      '--config',
      'mcp_servers.old-sse.required=true',
    ]);
  });

  it("leaves out the tools a server's allowedTools exclude: disabled_tools for Codex, --disallowedTools for Claude Code", () => {
    const narrowed = [{ ...servers[0]!, allowedTools: ['search'], excludedTools: ['hidden_admin', 'say "hi"'] }, servers[1]!];
    expect(codexMcpArgs(narrowed)).toContain('mcp_servers.docs.disabled_tools=["hidden_admin", "say \\"hi\\""]');
    expect(codexMcpArgs(narrowed).filter((arg) => arg.includes('disabled_tools'))).toHaveLength(1);
    const claude = claudeMcpArgs(narrowed);
    expect(claude.slice(claude.indexOf('--disallowedTools'))).toEqual(['--disallowedTools', 'mcp__docs__hidden_admin,mcp__docs__say "hi"']);
    expect(claudeMcpArgs(servers)).not.toContain('--disallowedTools');
  });
});
