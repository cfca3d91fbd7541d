import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { decodeGlobalId } from '../ids/global-id.ts';
import { WorkerProcess } from '../../test/faults.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestMcpServer, type TestMcpServer } from '../../test/mcp-server.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { LiveSessions, resultOf, statuses } from '../../test/live-sessions.ts';
import type { Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * Tool approval policies on a Codex agent, end to end: the real `codex` CLI in a local
 * sandbox, driven over `codex app-server` against the offline mock, asks before each
 * command; the agent's policy and people answer through the API and the worker.
 */

let t: TestPlatform;
let worker: TestWorker | null = null;
let client: GraphqlClient;
let key: string;
let agentId: string;
let gateway: MockLlm;
let docs: TestMcpServer;
let sessions: LiveSessions;
const cleanup: (() => Promise<unknown>)[] = [];

// Codex starts in seconds on an idle machine; give a busy one room.
const WAIT_MS = 90_000;

const POLICY = [
  { tool: 'shell', commandPattern: 'rm *', action: 'DENY' },
  { tool: 'shell', commandPattern: 'echo ask*', action: 'ASK' },
];

const MCP_TOKEN = 'codex-approvals-mcp-tok-5b1e';
// The MCP server is on loopback: the operator lets sandboxes reach it.
const MCP_ENV = { PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1/32' };

beforeAll(async () => {
  docs = await startTestMcpServer(MCP_TOKEN);
  t = await startTestPlatform(MCP_ENV);
  // One model gateway for every worker, as restarted workers share the real one.
  gateway = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 400 });
  worker = await startTestWorker(t, MCP_ENV, {}, { gatewayUrl: gateway.url });
  ({ client, key } = await t.newTeam());
  sessions = new LiveSessions(t.url, client, key, WAIT_MS);
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: { name: 'careful-codex', harness: 'codex', toolPolicy: POLICY },
    })
  ).createAgent.id;
});

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await sessions?.close();
  await worker?.close();
  await gateway?.close();
  await docs?.close();
  await t?.close();
});

const newSession = (agent = agentId) => sessions.create(agent);

const reply = (live: Subscriber) =>
  live.events
    .filter((e) => e.type === 'message.completed')
    .map((e) => String((e.payload as { content: string }).content))
    .join('\n');

const view = async (sessionId: string) =>
  (await client.ok<{ session: { status: string } }>(`query($id: ID!) { session(id: $id) { status } }`, { id: sessionId })).session;

describe('a Codex agent with a tool policy', { timeout: 240_000 }, () => {
  it('ASK pauses the turn with Codex waiting; approving runs the command and the turn completes', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId, payload } = await sessions.pause(sessionId, live, '/tool echo ask-approve');
    expect(payload).toMatchObject({
      tool: 'shell',
      // Codex runs commands in the user's shell; the policy matched the script inside.
      input: { command: expect.stringMatching(/^\/bin\/(ba)?sh -lc 'echo ask-approve'$/) },
      rule: { index: 1, tool: 'shell', commandPattern: 'echo ask*', action: 'ASK' },
    });
    // The call is out, its result is not: Codex waits for the answer.
    expect(live.events.find((e) => e.type === 'tool.call')?.payload).toMatchObject({ id: toolCallId, name: 'shell' });
    expect(resultOf(live, toolCallId)).toBeUndefined();
    await sessions.approve(sessionId, toolCallId);
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toEqual({ id: toolCallId, output: 'ask-approve\n', isError: false });
    expect(live.events.filter((e) => e.type === 'tool.call')).toHaveLength(1);
    expect(reply(live)).toContain('Ran `echo ask-approve`. First line of output: ask-approve');
    const distinct = statuses(live.events)
      .filter((s) => s !== 'PROVISIONING')
      .filter((s, i, all) => s !== all[i - 1]);
    expect(distinct).toEqual(['IDLE', 'RUNNING', 'AWAITING_APPROVAL', 'RUNNING', 'IDLE']);
  });

  it('ASK then deny: Codex does not run it, the model gets the reason and the turn completes', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-deny');
    await client.ok(`mutation($s: ID!, $c: String!, $r: String) { denyToolCall(sessionId: $s, toolCallId: $c, reason: $r) { status } }`, {
      s: sessionId,
      c: toolCallId,
      r: 'not in this repo',
    });
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toEqual({ id: toolCallId, output: 'Denied by a person: not in this repo.', isError: true });
    // The mock answers the note Paddock gave Codex, which carries the reason.
    expect(reply(live)).toContain('Denied by a person: not in this repo.');
  });

  it('DENY declines without asking anyone, naming the rule', async () => {
    const { sessionId, live } = await newSession();
    await sessions.send(sessionId, '/tool rm -rf important');
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(live.events.some((e) => e.type === 'tool.approval_requested')).toBe(false);
    expect(statuses(live.events)).not.toContain('AWAITING_APPROVAL');
    const call = live.events.find((e) => e.type === 'tool.call')?.payload as { id: string };
    expect(resultOf(live, call.id)).toEqual({
      id: call.id,
      output: 'Denied by the agent\'s tool policy: rule 1 (tool "shell", command "rm *": DENY).',
      isError: true,
    });
  });
  it('cancelTurn while Codex waits for an answer ends the turn; the next message gets a working Codex', async () => {
    const { sessionId, live } = await newSession();
    await sessions.pause(sessionId, live, '/tool echo ask-cancel');
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    expect((await sessions.turnEnd(live)).type).toBe('turn.cancelled');
    await sessions.send(sessionId, 'still there?');
    await live.waitFor((events) => events.some((e) => e.type === 'turn.completed'), WAIT_MS);
    expect(reply(live)).toMatch(/You said: still there\?/);
    expect(live.events.filter((e) => e.type === 'tool.result')).toEqual([]);
  });
});

describe('a Codex agent with a tool policy and an MCP server', { timeout: 240_000 }, () => {
  it('Codex asks before MCP tool calls too: DENY refuses one without asking, ASK holds one until approved', async () => {
    const mcpAgent = (
      await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
        in: {
          name: 'careful-codex-mcp',
          harness: 'codex',
          mcpServers: [{ name: 'docs', url: docs.url, headers: [{ name: 'Authorization', value: `Bearer ${MCP_TOKEN}` }] }],
          toolPolicy: [
            { tool: 'mcp__docs__whoami', action: 'DENY' },
            { tool: 'mcp__docs__*', action: 'ASK' },
          ],
        },
      })
    ).createAgent.id;
    const { sessionId, live } = await newSession(mcpAgent);
    const { toolCallId, payload } = await sessions.pause(sessionId, live, '/call mcp__docs__search {"query": "held"}');
    expect(payload).toMatchObject({ tool: 'mcp__docs__search', server: 'docs', input: { query: 'held' }, rule: { index: 1, tool: 'mcp__docs__*' } });
    expect(docs.calls).toEqual([]);
    await sessions.approve(sessionId, toolCallId);
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toMatchObject({ isError: false, output: '3 results for "held"' });
    expect(docs.calls).toEqual([{ tool: 'search', args: { query: 'held' } }]);

    await sessions.send(sessionId, '/call mcp__docs__whoami');
    await live.waitFor((events) => events.filter((e) => e.type === 'turn.completed').length >= 2, WAIT_MS);
    const call = live.events.filter((e) => e.type === 'tool.call').at(-1)?.payload as { id: string; name: string };
    // On failure, what the second turn did instead.
    const secondTurn = live.events.slice(live.events.findIndex((e) => e.type === 'turn.completed') + 1);
    expect(call.name, JSON.stringify(secondTurn.filter((e) => e.type !== 'message.delta').map((e) => ({ type: e.type, payload: e.payload })))).toBe(
      'mcp__docs__whoami',
    );
    expect(resultOf(live, call.id)).toMatchObject({ isError: true, output: 'Denied by the agent\'s tool policy: rule 1 (tool "mcp__docs__whoami": DENY).' });
    expect(live.events.filter((e) => e.type === 'tool.approval_requested')).toHaveLength(1);
    expect(docs.calls.map((c) => c.tool)).toEqual(['search']);
  });
});

describe('a paused Codex turn is durable', { timeout: 240_000 }, () => {
  it('a worker killed while awaiting approval: the next worker resumes it and Codex, still waiting in the sandbox, runs the command', async () => {
    // A worker in a process of its own whose sandboxes outlive its SIGKILL, as pods outlive
    // a worker: plain-process ones (a bubblewrap sandbox dies with its parent, and an
    // in-process test worker stops its sandboxes when it closes).
    await worker!.close();
    worker = null;
    const child = await WorkerProcess.start({
      DATABASE_URL: t.platform.databaseUrl,
      PADDOCK_DATA_DIR: t.dataDir,
      LITELLM_API_BASE: gateway.url,
      LITELLM_API_KEY: 'test-gateway-key',
      PADDOCK_LOCAL_WARM_POOL: '0',
      PADDOCK_SANDBOX_ISOLATION: 'none',
    });
    cleanup.push(async () => child.kill('SIGKILL'));
    const { sessionId, live } = await newSession();
    // Nothing stops a sandbox whose worker was killed but the test.
    cleanup.push(async () => worker?.worker.sandboxes.destroy(decodeGlobalId(sessionId).id));
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-restart');
    child.kill('SIGKILL');
    await sessions.approve(sessionId, toolCallId);
    expect((await view(sessionId)).status).toBe('RUNNING');
    worker = await startTestWorker(t, MCP_ENV, {}, { gatewayUrl: gateway.url });
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toEqual({ id: toolCallId, output: 'ask-restart\n', isError: false });
    // The same Codex thread went on: no sandbox was provisioned, nothing was replayed.
    expect(statuses(live.events).filter((s) => s === 'PROVISIONING')).toHaveLength(1);
    expect(reply(live)).toBe('Ran `echo ask-restart`. First line of output: ask-restart');
  });

  it('a sandbox gone while awaiting approval: the decision is carried out in a new one and Codex continues from the conversation', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-rehydrate');
    await worker!.worker.sandboxes.destroy(decodeGlobalId(sessionId).id);
    await sessions.approve(sessionId, toolCallId);
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(statuses(live.events).filter((s) => s === 'PROVISIONING')).toHaveLength(2);
    expect(resultOf(live, toolCallId)).toEqual({ id: toolCallId, output: 'ask-rehydrate\n', isError: false });
    // The new Codex was told what happened to its call.
    expect(reply(live)).toMatch(/A person approved your command `\/bin\/(ba)?sh -lc 'echo ask-rehydrate'`, and it ran\. Its output:\nask-rehydrate/);
  });

  it('an approval nobody gives expires as denied: Codex is told and the turn completes', async () => {
    await worker!.close();
    worker = await startTestWorker(t, { ...MCP_ENV, PADDOCK_APPROVAL_TIMEOUT_SECONDS: '2' }, {}, { gatewayUrl: gateway.url });
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-expire');
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(live.events.find((e) => e.type === 'tool.approval_resolved')?.payload).toMatchObject({ toolCallId, status: 'EXPIRED', decidedBy: null });
    expect(resultOf(live, toolCallId)?.isError).toBe(true);
    expect(resultOf(live, toolCallId)?.output).toMatch(/nobody approved the call within 2 s \(PADDOCK_APPROVAL_TIMEOUT_SECONDS\)/);
  });
});
