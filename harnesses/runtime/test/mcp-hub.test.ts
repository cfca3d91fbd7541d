import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpServerConfig } from '../src/api.ts';
import { createLogger } from '../src/log.ts';
import { McpHub } from '../src/mcp/mcp-hub.ts';

/**
 * Hostile MCP servers against the runtime's MCP client: one that opens a legacy event
 * stream and never names its endpoint, one that answers with an endless body, one that
 * streams an endless event line. Each is given up on (and its connection closed) while a
 * healthy server beside it is connected; healthy servers, legacy SSE included, pass the limits.
 */

const servers: http.Server[] = [];
/** Event streams the hostile servers opened, and how many the client has closed. */
const streams = { opened: 0, closed: 0 };

async function serve(handler: http.RequestListener): Promise<McpServerConfig> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name: `s${servers.length}`,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    transport: 'STREAMABLE_HTTP',
    headers: {},
    allowedTools: [],
  };
}

/** Writes `chunk` over and over until the client goes away. */
function flood(res: http.ServerResponse, chunk: string): void {
  const write = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', write);
  };
  write();
}

/** Refuses Streamable HTTP, so the client falls back to a legacy event stream, which `stream` then feeds. */
const legacy =
  (stream: (res: http.ServerResponse) => void): http.RequestListener =>
  (req, res) => {
    if (req.method !== 'GET') return void res.writeHead(404).end();
    streams.opened += 1;
    res.on('close', () => (streams.closed += 1));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    stream(res);
  };

let healthy: McpServerConfig;
let healthyLegacy: McpServerConfig;
let silent: McpServerConfig;
let endlessBody: McpServerConfig;
let endlessLine: McpServerConfig;

beforeAll(async () => {
  healthy = await serve((req, res) => {
    const mcp = new McpServer({ name: 'docs', version: '1.0.0' });
    mcp.registerTool('search', { description: 'Searches.' }, () => ({ content: [{ type: 'text', text: 'found' }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close());
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  // A legacy (SSE) server built with the SDK: its stream and messages pass the same limits.
  const sessions = new Map<string, SSEServerTransport>();
  healthyLegacy = await serve((req, res) => {
    const sessionId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sessionId');
    const transport = sessionId ? sessions.get(sessionId) : undefined;
    if (req.method === 'POST' && transport) return void transport.handlePostMessage(req, res);
    if (req.method !== 'GET') return void res.writeHead(404).end();
    const mcp = new McpServer({ name: 'legacy', version: '1.0.0' });
    mcp.registerTool('lookup', { description: 'Looks up.' }, () => ({ content: [{ type: 'text', text: 'looked up' }] }));
    const stream = new SSEServerTransport('/mcp', res);
    sessions.set(stream.sessionId, stream);
    void mcp.connect(stream);
  });
  // Comments keep the connection alive and every idle timeout at bay; the endpoint never comes.
  silent = await serve(
    legacy((res) => {
      const timer = setInterval(() => res.write(': still here\n\n'), 100);
      res.on('close', () => clearInterval(timer));
    }),
  );
  endlessBody = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"jsonrpc":"2.0","id":0,"result":{"padding":"');
    flood(res, 'x'.repeat(64 * 1024));
  });
  endlessLine = await serve(
    legacy((res) => {
      res.write('event: message\ndata: ');
      flood(res, 'x'.repeat(64 * 1024));
    }),
  );
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const hubOf = (...list: McpServerConfig[]) => new McpHub(list, undefined, createLogger('silent'));

describe('the MCP client and hostile servers', { timeout: 120_000 }, () => {
  it('gives up on a server whose event stream never names its endpoint, and connects the healthy one', async () => {
    const before = streams.closed;
    const { ready, failures } = await hubOf(healthy, silent).reachable(AbortSignal.timeout(60_000));
    expect(ready.map((s) => s.config.name)).toEqual([healthy.name]);
    expect(failures).toEqual([{ server: silent.name, error: expect.stringMatching(/timeout/i) }]);
    await expect.poll(() => streams.closed).toBe(before + 1);
  });

  it("lists and calls a healthy legacy SSE server's tools through the same limits", async () => {
    const hub = hubOf(healthyLegacy);
    expect(await hub.connect(AbortSignal.timeout(60_000))).toEqual([]);
    const tool = hub.find(`${healthyLegacy.name}__lookup`);
    expect(tool).toMatchObject({ server: healthyLegacy.name, name: 'lookup' });
    expect(await hub.call(tool!, {}, 10_000, AbortSignal.timeout(60_000))).toEqual({ output: 'looked up', isError: false });
    await hub.close();
  });

  it('stops at once when the turn is cancelled, closing the stream', async () => {
    const before = streams.closed;
    const cancel = new AbortController();
    const checking = hubOf(silent).reachable(cancel.signal);
    await expect.poll(() => streams.opened - streams.closed).toBeGreaterThan(0);
    cancel.abort(new Error('turn cancelled'));
    await expect(checking).rejects.toThrow('turn cancelled');
    await expect.poll(() => streams.closed).toBe(before + 1);
  });

  it('refuses a response body past the limit instead of buffering it', async () => {
    const { ready, failures } = await hubOf(endlessBody).reachable(AbortSignal.timeout(60_000));
    expect(ready).toEqual([]);
    expect(failures).toEqual([{ server: endlessBody.name, error: expect.stringContaining('more than 8 MiB in one response') }]);
  });

  it('refuses an event stream line past the limit', async () => {
    const { failures } = await hubOf(endlessLine).reachable(AbortSignal.timeout(60_000));
    expect(failures).toEqual([{ server: endlessLine.name, error: expect.stringContaining('more than 8 MiB in one event stream line') }]);
  });
});
