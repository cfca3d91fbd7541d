import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export type TestMcpServer = {
  url: string;
  /** The Authorization header of every request, as it arrived. */
  authorizations: (string | undefined)[];
  /** Tool calls as the server received them. */
  calls: { tool: string; args: unknown }[];
  close(): Promise<void>;
};

/**
 * A real MCP server built with the SDK, speaking Streamable HTTP (stateless) and refusing
 * any request without `Authorization: Bearer <token>` with 401, as hosted servers do.
 */
export async function startTestMcpServer(token: string): Promise<TestMcpServer> {
  const authorizations: (string | undefined)[] = [];
  const calls: { tool: string; args: unknown }[] = [];
  const mcpFor = () => {
    const mcp = new McpServer({ name: 'docs', version: '1.0.0' });
    mcp.registerTool('search', { description: 'Searches the docs.', inputSchema: { query: z.string() } }, ({ query }) => {
      calls.push({ tool: 'search', args: { query } });
      return { content: [{ type: 'text', text: `3 results for "${query}"` }] };
    });
    mcp.registerTool('whoami', { description: 'Says which credential the request carried.' }, (extra) => {
      calls.push({ tool: 'whoami', args: {} });
      return { content: [{ type: 'text', text: `credential: ${extra.requestInfo?.headers.authorization ?? 'none'}` }] };
    });
    mcp.registerTool('fail', { description: 'Always fails.' }, () => ({ content: [{ type: 'text', text: 'the docs index is rebuilding' }], isError: true }));
    mcp.registerTool('hidden_admin', { description: 'Not for agents.' }, () => ({ content: [{ type: 'text', text: 'admin' }] }));
    return mcp;
  };
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(JSON.stringify({ error: 'invalid_token' }));
      return;
    }
    const mcp = mcpFor();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    authorizations,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
