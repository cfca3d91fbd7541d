import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { McpServerConfig, ToolRule } from '../src/api.ts';
import { startCliHarness, type CliHarness } from './cli-harness.ts';
import { closedPort, collect, ofType } from './harness.ts';

/**
 * Codex and a slow MCP server: Codex starts a turn without waiting for a server still
 * handshaking, so the runtime has it wait (`required`) for every server that answers,
 * and leaves out, with an `mcp.error`, one that does not.
 */

/** How late the server answers `initialize`: longer than Codex takes to reach the model. */
const HANDSHAKE_DELAY_MS = 5_000;

let h: CliHarness;
let server: http.Server;
let slow: McpServerConfig;
let down: McpServerConfig;
const searched: string[] = [];

/** A real MCP server (the SDK, Streamable HTTP) that is slow to answer the handshake, as one on a busy node is. */
async function startSlowMcpServer(): Promise<string> {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const parsed: unknown = body === '' ? undefined : JSON.parse(body);
      const handshake = (parsed as { method?: unknown } | undefined)?.method === 'initialize';
      setTimeout(
        () => {
          const mcp = new McpServer({ name: 'docs', version: '1.0.0' });
          mcp.registerTool('search', { description: 'Searches the docs.', inputSchema: { query: z.string() } }, ({ query }) => {
            searched.push(query);
            return { content: [{ type: 'text', text: `found ${query}` }] };
          });
          const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
          res.on('close', () => void transport.close());
          void mcp.connect(transport).then(() => transport.handleRequest(req, res, parsed));
        },
        handshake ? HANDSHAKE_DELAY_MS : 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

beforeAll(async () => {
  const mcp = { transport: 'STREAMABLE_HTTP' as const, headers: {}, allowedTools: [] };
  slow = { ...mcp, name: 'docs', url: await startSlowMcpServer() };
  down = { ...mcp, name: 'down', url: `http://127.0.0.1:${await closedPort()}/mcp` };
  h = await startCliHarness('codex');
});
afterAll(async () => {
  await h?.close();
  server?.closeAllConnections();
  server?.close();
});

// Without a policy Codex runs as `codex exec`; with one, over `codex app-server`.
const POLICY: ToolRule[] = [{ tool: 'shell', commandPattern: 'rm *', action: 'DENY' }];
const CASES = [
  { path: 'codex exec', toolPolicy: [] },
  { path: 'codex app-server', toolPolicy: POLICY },
];

// Each turn waits out the slow handshake twice (the runtime's check, then Codex's); a busy machine needs room.
describe.each(CASES)('Codex with a slow MCP server ($path)', { timeout: 300_000 }, ({ path, toolPolicy }) => {
  it('waits for the slow server and calls its tool on every turn; reports the one that is down and goes on', async () => {
    await h.client.attach(h.attachRequest({ sessionId: `slow-${path}`, mcpServers: [slow, down], toolPolicy }));
    for (const turn of [1, 2]) {
      const query = `${path} ${turn}`;
      const events = await collect(h.client.startTurn({ turnId: `${path}-${turn}`, content: `/call mcp__docs__search ${JSON.stringify({ query })}` }));
      expect(events.at(-1)).toMatchObject({ type: 'turn.completed' });
      expect(ofType(events, 'mcp.error')).toEqual([
        expect.objectContaining({ server: 'down', phase: 'connect', error: expect.stringMatching(/ECONNREFUSED|fetch failed/) }),
      ]);
      const [call] = ofType(events, 'tool.call');
      expect(call).toMatchObject({ name: 'mcp__docs__search', server: 'docs', input: { query } });
      expect(ofType(events, 'tool.result')[0]).toMatchObject({ id: call?.id, output: `found ${query}`, isError: false });
    }
    expect(searched.filter((q) => q.startsWith(path))).toEqual([`${path} 1`, `${path} 2`]);
  });
});
