import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestMcpServer, type TestMcpServer } from '../../test/mcp-server.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { LiveSessions } from '../../test/live-sessions.ts';
import type { LiveEvent, Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * A real MCP server (the SDK's, Streamable HTTP, bearer token required) reached by the
 * chat harness through the egress proxy, driven with the offline mock's `/call`.
 */

const TOKEN = 'mcp-tok-5b1e9d7c3a2f4e6d8c0b';

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
let docs: TestMcpServer;
let closedPort: number;
let agentId: string;
let sessions: LiveSessions;

/** A port nothing listens on: a server that is down. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  docs = await startTestMcpServer(TOKEN);
  closedPort = await freePort();
  // The MCP servers are on loopback: the operator lets sandboxes reach it.
  const env = { PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1/32' };
  t = await startTestPlatform(env);
  worker = await startTestWorker(t, env);
  ({ client, key } = await t.newTeam());
  sessions = new LiveSessions(t.url, client, key);
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: {
        name: 'mcp-user',
        harness: 'chat',
        mcpServers: [
          { name: 'docs', url: docs.url, headers: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }], allowedTools: ['search', 'whoami', 'fail'] },
          { name: 'down', url: `http://127.0.0.1:${closedPort}/mcp` },
          { name: 'wrongkey', url: docs.url, headers: [{ name: 'Authorization', value: 'Bearer not-the-token-at-all' }] },
        ],
      },
    })
  ).createAgent.id;
});

afterAll(async () => {
  await sessions?.close();
  await worker?.close();
  await t?.close();
  await docs?.close();
});

const newSession = () => sessions.create(agentId);

async function send(sessionId: string, live: Subscriber, content: string): Promise<LiveEvent[]> {
  const before = live.events.filter((e) => e.type.startsWith('turn.') && e.type !== 'turn.started').length;
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });
  await live.waitFor((events) => events.filter((e) => e.type.startsWith('turn.') && e.type !== 'turn.started').length > before, 60_000);
  const failed = live.events.find((e) => e.type === 'turn.failed');
  if (failed) throw new Error(`the turn failed: ${JSON.stringify(failed.payload)}`);
  return live.events;
}

async function transcript(sessionId: string): Promise<string> {
  const id = decodeGlobalId(sessionId).id;
  const { db } = t.platform.services;
  const [events, messages] = await Promise.all([db.sessionEvent.findMany({ where: { sessionId: id } }), db.message.findMany({ where: { sessionId: id } })]);
  return JSON.stringify({ events, messages });
}

describe('MCP tools through a turn', { timeout: 120_000 }, () => {
  let sessionId: string;
  let live: Subscriber;

  beforeAll(async () => {
    ({ sessionId, live } = await newSession());
    await send(sessionId, live, '/call docs__search {"query": "egress proxy"}');
  });

  it("lists the servers' tools and calls one, recording the server on tool.call and tool.result", () => {
    const call = live.events.find((e) => e.type === 'tool.call');
    expect(call?.payload).toMatchObject({ name: 'docs__search', server: 'docs', input: { query: 'egress proxy' } });
    const result = live.events.find((e) => e.type === 'tool.result');
    expect(result?.payload).toMatchObject({ output: '3 results for "egress proxy"', isError: false, server: 'docs' });
    expect(live.events.some((e) => e.type === 'turn.completed')).toBe(true);
    expect(docs.calls).toContainEqual({ tool: 'search', args: { query: 'egress proxy' } });
  });

  it('sends the real token to the server: the egress proxy injects it', () => {
    expect(docs.authorizations).toContain(`Bearer ${TOKEN}`);
    expect(docs.authorizations.filter((a) => a?.startsWith('Bearer paddock-secret-'))).toEqual([]);
  });

  it('tells the session which servers are down or refuse the credentials, and the turn goes on', () => {
    const errors = live.events.filter((e) => e.type === 'mcp.error').map((e) => e.payload as { server: string; phase: string; error: string });
    expect(errors.map((e) => e.server).sort()).toEqual(['down', 'wrongkey']);
    expect(errors.find((e) => e.server === 'down')?.error).toMatch(/ECONNREFUSED|fetch failed/);
    expect(errors.find((e) => e.server === 'wrongkey')?.error).toMatch(/refused the credentials \(HTTP 401\)/);
    expect(errors.every((e) => e.phase === 'connect')).toBe(true);
  });

  it('answers a call to a server that is down with a tool error, not a failed turn', async () => {
    await send(sessionId, live, '/call down__anything {}');
    const result = live.events.filter((e) => e.type === 'tool.result').at(-1);
    expect(result?.payload).toMatchObject({ isError: true, server: 'down' });
    expect(String(result?.payload?.output)).toContain('MCP server "down" is unavailable');
  });

  it('gives a tool that reports an error to the model as an error', async () => {
    await send(sessionId, live, '/call docs__fail {}');
    const result = live.events.filter((e) => e.type === 'tool.result').at(-1);
    expect(result?.payload).toMatchObject({ output: 'the docs index is rebuilding', isError: true, server: 'docs' });
  });

  it('offers only allowedTools', async () => {
    await send(sessionId, live, '/call docs__hidden_admin {}');
    const result = live.events.filter((e) => e.type === 'tool.result').at(-1);
    expect(result?.payload).toMatchObject({ isError: true });
    expect(docs.calls.some((c) => c.tool === 'hidden_admin')).toBe(false);
  });

  it('never lets the credential back in when a server echoes it: the proxy turns it into the placeholder again', async () => {
    await send(sessionId, live, '/call docs__whoami {}');
    const result = live.events.filter((e) => e.type === 'tool.result').at(-1);
    expect(String(result?.payload?.output)).toMatch(/^credential: paddock-secret-\S+$/);
    expect(String(result?.payload?.output)).not.toContain(TOKEN);
  });

  it('never holds the token inside the sandbox, nor lets it into the transcript', async () => {
    // The pattern does not contain the token literally, so the command line searching for it is no hit.
    const pattern = `${TOKEN.slice(0, -1)}[${TOKEN.slice(-1)}]`;
    const events = await send(
      sessionId,
      live,
      // Environments and command lines of every process, and the files a sandbox can write or was given.
      `/tool env | grep -i -e mcp -e auth; grep -rl -e '${pattern}' /workspace /tmp /run /etc 2>/dev/null | head -5; echo "hits:$(cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | grep -c -a -e '${pattern}')"`,
    );
    const output = String(events.filter((e) => e.type === 'tool.result').at(-1)?.payload?.output);
    expect(output).toContain('hits:0');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain('[redacted:mcp');
    const stored = await transcript(sessionId);
    expect(stored).not.toContain(TOKEN);
  });
});

describe('MCP servers on agents', () => {
  it('shows header names, never their values', async () => {
    const { agent } = await client.ok<{
      agent: { mcpServers: { name: string; url: string; transport: string; headerNames: string[]; allowedTools: string[] }[] };
    }>(`query($id: ID!) { agent(id: $id) { mcpServers { name url transport headerNames allowedTools } } }`, { id: agentId });
    expect(agent.mcpServers.map((s) => s.name)).toEqual(['docs', 'down', 'wrongkey']);
    expect(agent.mcpServers[0]).toEqual({
      name: 'docs',
      url: docs.url,
      transport: 'STREAMABLE_HTTP',
      headerNames: ['Authorization'],
      allowedTools: ['search', 'whoami', 'fail'],
    });
    const raw = JSON.stringify(await client.request(`query($id: ID!) { agent(id: $id) { mcpServers { headerNames } } }`, { id: agentId }));
    expect(raw).not.toContain(TOKEN);
  });

  it('tests a connection and lists the tools, with stored headers when none are typed', async () => {
    const { testMcpServer } = await client.ok<{ testMcpServer: { ok: boolean; tools: { name: string }[]; error: string | null } }>(
      `mutation($in: McpServerInput!, $a: ID) { testMcpServer(input: $in, agentId: $a) { ok tools { name } error } }`,
      { in: { name: 'docs', url: docs.url, allowedTools: ['search', 'whoami', 'fail'] }, a: agentId },
    );
    expect(testMcpServer).toEqual({ ok: true, tools: [{ name: 'search' }, { name: 'whoami' }, { name: 'fail' }], error: null });
    const refused = await client.ok<{ testMcpServer: { ok: boolean; error: string } }>(
      `mutation($in: McpServerInput!) { testMcpServer(input: $in) { ok error } }`,
      {
        in: { name: 'docs', url: docs.url },
      },
    );
    expect(refused.testMcpServer.ok).toBe(false);
    expect(refused.testMcpServer.error).toMatch(/refused the credentials/);
  });

  it('keeps stored headers when an update leaves them out, and replaces the list', async () => {
    await client.ok(`mutation($id: ID!, $in: UpdateAgentInput!) { updateAgent(id: $id, input: $in) { id } }`, {
      id: agentId,
      in: { mcpServers: [{ name: 'docs', url: docs.url, allowedTools: ['search', 'whoami', 'fail'] }] },
    });
    const { agent } = await client.ok<{ agent: { mcpServers: { name: string; headerNames: string[] }[] } }>(
      `query($id: ID!) { agent(id: $id) { mcpServers { name headerNames } } }`,
      {
        id: agentId,
      },
    );
    expect(agent.mcpServers).toEqual([{ name: 'docs', headerNames: ['Authorization'] }]);
    const servers = await t.platform.services.agents.mcpServers(decodeGlobalId(agentId).id);
    expect(servers[0]?.headers[0]?.value).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses bad servers with a message naming the field', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ name: 'Docs', url: docs.url }, 'mcpServers.0.name', /DNS label/],
      [{ name: 'x', url: 'ftp://example.com/' }, 'mcpServers.0.url', /http/],
      [{ name: 'x', url: 'http://169.254.169.254/mcp' }, 'mcpServers.0.url', /PADDOCK_EGRESS_PRIVATE_ALLOW/],
      [{ name: 'x', url: 'https://user:pw@example.com/mcp' }, 'mcpServers.0.url', /credentials/],
      [{ name: 'x', url: 'https://example.com/mcp', headers: [{ name: 'Host', value: 'evil' }] }, 'mcpServers.0.headers.0.name', /MCP client/],
      [{ name: 'x', url: 'https://example.com/mcp', headers: [{ name: 'X-Key', value: 'a\r\nb' }] }, 'mcpServers.0.headers.0.value', /line breaks/],
    ];
    for (const [server, field, message] of cases) {
      const res = await client.request(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
        in: { name: 'bad-mcp', harness: 'chat', mcpServers: [server] },
      });
      expect(res.errors?.[0]?.extensions?.code, field).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions?.field, field).toBe(field);
      expect(res.errors?.[0]?.message, field).toMatch(message);
    }
    const twice = await client.request(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: {
        name: 'bad-mcp',
        harness: 'chat',
        mcpServers: [
          { name: 'a', url: docs.url },
          { name: 'a', url: docs.url },
        ],
      },
    });
    expect(twice.errors?.[0]?.message).toMatch(/names a server twice/);
  });
});
