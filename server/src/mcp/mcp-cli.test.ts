import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestMcpServer, type TestMcpServer } from '../../test/mcp-server.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber, type LiveEvent } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * Claude Code and Codex reach the agent's MCP servers through their own MCP
 * configuration (`--mcp-config`, `mcp_servers`): the real CLIs in a local sandbox, the
 * mock model calling the server's tool by the name each CLI gives it, and the SDK's MCP
 * server requiring a bearer token that only the egress proxy holds.
 */

const TOKEN = 'mcp-cli-tok-8d2f6a1c9e4b7d3a';

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
let docs: TestMcpServer;
const subscribers: Subscriber[] = [];

// A CLI starts in seconds on an idle machine; give a busy one room.
const TURN_TIMEOUT_MS = 90_000;

beforeAll(async () => {
  docs = await startTestMcpServer(TOKEN);
  // The MCP server is on loopback: the operator lets sandboxes reach it.
  const env = { PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1/32' };
  t = await startTestPlatform(env);
  worker = await startTestWorker(t, { ...env, PADDOCK_SANDBOX_IDLE_SECONDS: '600' });
  ({ client, key } = await t.newTeam());
});
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
  await docs?.close();
});

// Both CLIs offer the model a server's tools as `mcp__<server>__<tool>` (Codex through a Responses API namespace).
const CASES = [{ harness: 'claude-code' }, { harness: 'codex' }] as const;
const TOOL = 'mcp__docs__search';

/** An agent of `harness` with the docs server (narrowed to `allowedTools`), a session, and one turn sending `content`. */
async function turnWith(harness: string, name: string, allowedTools: string[], content: string): Promise<{ sessionId: string; live: Subscriber }> {
  const agentId = (
    await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: { name, harness, mcpServers: [{ name: 'docs', url: docs.url, headers: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }], allowedTools }] },
    })
  ).createAgent.id;
  const sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
  const live = new Subscriber(t.url, key);
  subscribers.push(live);
  live.subscribe(sessionId);
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });
  await live.waitFor((events) => events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed'), TURN_TIMEOUT_MS);
  return { sessionId, live };
}

describe.each(CASES)('a $harness agent with an MCP server', ({ harness }) => {
  it(
    'calls its tool with the credential the egress proxy injects, never holding it',
    async () => {
      const query = `${harness} via mcp`;
      const { sessionId, live } = await turnWith(harness, `${harness}-mcp`, [], `/call ${TOOL} ${JSON.stringify({ query })}`);
      expect(live.events.find((e) => e.type === 'turn.failed')?.payload ?? null).toBeNull();

      const ofType = (type: string): LiveEvent[] => live.events.filter((e) => e.type === type);
      const call = ofType('tool.call').find((e) => e.payload?.name === TOOL);
      expect(call?.payload).toMatchObject({ server: 'docs', input: { query } });
      const result = ofType('tool.result').find((e) => e.payload?.id === call?.payload?.id);
      expect(result?.payload).toMatchObject({ server: 'docs', isError: false });
      expect(String(result?.payload?.output)).toContain(`3 results for "${query}"`);
      expect(docs.calls).toContainEqual({ tool: 'search', args: { query } });
      // The server saw the real token; the CLI only ever had the placeholder.
      expect(docs.authorizations).toContain(`Bearer ${TOKEN}`);
      expect(docs.authorizations.filter((a) => a?.startsWith('Bearer paddock-secret-'))).toEqual([]);

      const id = decodeGlobalId(sessionId).id;
      const { db } = t.platform.services;
      const stored = JSON.stringify(
        await Promise.all([db.sessionEvent.findMany({ where: { sessionId: id } }), db.message.findMany({ where: { sessionId: id } })]),
      );
      expect(stored).not.toContain(TOKEN);
    },
    TURN_TIMEOUT_MS + 30_000,
  );

  it(
    "is not offered the tools the server's allowedTools leave out, and the server never sees a call of one",
    async () => {
      const { live } = await turnWith(harness, `${harness}-mcp-narrow`, ['search'], '/call mcp__docs__hidden_admin {}');
      expect(live.events.find((e) => e.type === 'turn.failed')?.payload ?? null).toBeNull();
      // Codex does not offer the tool, so the mock model cannot call it; Claude Code answers
      // the call the mock makes anyway as one of a tool it does not have.
      const calls = live.events.filter((e) => e.type === 'tool.call');
      if (harness === 'codex') expect(calls).toEqual([]);
      for (const call of calls) {
        const result = live.events.find((e) => e.type === 'tool.result' && e.payload?.id === call.payload?.id);
        expect(result?.payload).toMatchObject({ isError: true, output: expect.stringContaining('No such tool available: mcp__docs__hidden_admin') });
      }
      expect(docs.calls.map((c) => c.tool)).not.toContain('hidden_admin');
    },
    TURN_TIMEOUT_MS + 30_000,
  );
});
