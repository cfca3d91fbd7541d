import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestMcpServer, type TestMcpServer } from '../../test/mcp-server.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { LiveSessions, resultOf, statuses } from '../../test/live-sessions.ts';
import type { Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * Tool approvals on a Claude Code agent, end to end: the real `claude` CLI in a local
 * sandbox asks the runtime before each tool call, the mock model's `/tool CMD` makes it
 * call Bash, and the same policy, events and mutations as for the chat harness apply.
 */

let t: TestPlatform;
let worker: TestWorker | null = null;
let client: GraphqlClient;
let key: string;
let agentId: string;
let docs: TestMcpServer;
let sessions: LiveSessions;

const POLICY = [
  { tool: 'Bash', commandPattern: 'rm *', action: 'DENY' },
  { tool: 'Bash', commandPattern: 'echo ask*', action: 'ASK' },
];

const MCP_TOKEN = 'cc-approvals-tok-5e1b9c7a2d4f';
// The MCP server is on loopback: the operator lets sandboxes reach it.
const ENV = { PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1/32' };

// A CLI starts in seconds on an idle machine; give a busy one room.
const WAIT_MS = 90_000;

beforeAll(async () => {
  docs = await startTestMcpServer(MCP_TOKEN);
  t = await startTestPlatform(ENV);
  worker = await startTestWorker(t, ENV);
  ({ client, key } = await t.newTeam());
  sessions = new LiveSessions(t.url, client, key, WAIT_MS);
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: { name: 'careful-claude', harness: 'claude-code', toolPolicy: POLICY },
    })
  ).createAgent.id;
});

afterAll(async () => {
  await sessions?.close();
  await worker?.close();
  await t?.close();
  await docs?.close();
});

const newSession = (agent = agentId) => sessions.create(agent);

const lastReply = (live: Subscriber) => String((live.events.filter((e) => e.type === 'message.completed').at(-1)?.payload as { content: string }).content);

describe('tool approvals on a claude-code agent (real CLI)', { timeout: 240_000 }, () => {
  it('DENY refuses the call without asking; the model reads why and the turn completes', async () => {
    const { sessionId, live } = await newSession();
    await sessions.send(sessionId, '/tool rm -rf important');
    const end = await sessions.turnEnd(live);
    expect(end.type).toBe('turn.completed');
    expect(live.events.some((e) => e.type === 'tool.approval_requested')).toBe(false);
    const call = live.events.find((e) => e.type === 'tool.call')?.payload as { id: string; name: string };
    expect(call.name).toBe('Bash');
    expect(resultOf(live, call.id)).toEqual({
      id: call.id,
      isError: true,
      output: 'Denied by the agent\'s tool policy: rule 1 (tool "Bash", command "rm *": DENY).',
    });
    expect(lastReply(live)).toContain('Denied by the agent');
  });

  it('ASK pauses the turn; approving runs the command in the waiting CLI and the turn completes', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId, payload } = await sessions.pause(sessionId, live, '/tool echo ask-approve');
    expect(payload).toMatchObject({
      tool: 'Bash',
      input: { command: 'echo ask-approve' },
      rule: { index: 1, tool: 'Bash', commandPattern: 'echo ask*', action: 'ASK' },
    });
    const call = live.events.find((e) => e.type === 'tool.call')?.payload as { id: string };
    expect(call.id).toBe(toolCallId);
    expect(live.events.some((e) => e.type === 'tool.result')).toBe(false);
    const { session } = await client.ok<{ session: { status: string; pendingApprovals: { toolCallId: string; tool: string; status: string }[] } }>(
      `query($id: ID!) { session(id: $id) { status pendingApprovals { toolCallId tool status } } }`,
      { id: sessionId },
    );
    expect(session).toEqual({ status: 'AWAITING_APPROVAL', pendingApprovals: [{ toolCallId, tool: 'Bash', status: 'PENDING' }] });

    await sessions.approve(sessionId, toolCallId);
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toMatchObject({ isError: false, output: expect.stringContaining('ask-approve') });
    expect(lastReply(live)).toBe('Ran `echo ask-approve`. First line of output: ask-approve');
    expect(live.events.find((e) => e.type === 'tool.approval_resolved')?.payload).toMatchObject({ toolCallId, status: 'APPROVED' });
    const distinct = statuses(live.events)
      .filter((s) => s !== 'PROVISIONING')
      .filter((s, i, all) => s !== all[i - 1]);
    expect(distinct).toEqual(['IDLE', 'RUNNING', 'AWAITING_APPROVAL', 'RUNNING', 'IDLE']);
    // The conversation goes on in the CLI's session.
    await sessions.send(sessionId, 'thanks');
    expect((await sessions.turnEnd(live, 2)).type).toBe('turn.completed');
    expect(lastReply(live)).toMatch(/^You said: thanks/);
  });

  it("ASK then deny: the model gets the person's reason as the tool error and the turn completes", async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-deny');
    await client.ok(`mutation($s: ID!, $c: String!, $r: String) { denyToolCall(sessionId: $s, toolCallId: $c, reason: $r) { status } }`, {
      s: sessionId,
      c: toolCallId,
      r: 'not in this repo',
    });
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toEqual({ id: toolCallId, isError: true, output: 'Denied by a person: not in this repo.' });
    // The CLI that asked got the answer: the model's next step sees it as the command's result.
    expect(lastReply(live)).toBe('Ran `echo ask-deny`. First line of output: Denied by a person: not in this repo.');
  });

  it("holds an MCP server's tool by its Claude Code name; approved, the call reaches the server", async () => {
    const mcpAgent = (
      await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
        in: {
          name: 'careful-claude-mcp',
          harness: 'claude-code',
          mcpServers: [{ name: 'docs', url: docs.url, headers: [{ name: 'Authorization', value: `Bearer ${MCP_TOKEN}` }] }],
          toolPolicy: [{ tool: 'mcp__docs__*', action: 'ASK' }],
        },
      })
    ).createAgent.id;
    const { sessionId, live } = await newSession(mcpAgent);
    const { toolCallId, payload } = await sessions.pause(sessionId, live, `/call mcp__docs__search ${JSON.stringify({ query: 'held' })}`);
    expect(payload).toMatchObject({ tool: 'mcp__docs__search', server: 'docs', input: { query: 'held' }, rule: { tool: 'mcp__docs__*', action: 'ASK' } });
    expect(docs.calls).not.toContainEqual({ tool: 'search', args: { query: 'held' } });
    await sessions.approve(sessionId, toolCallId);
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toMatchObject({ isError: false, output: expect.stringContaining('3 results for "held"') });
    expect(docs.calls).toContainEqual({ tool: 'search', args: { query: 'held' } });
  });

  it('cancelTurn while awaiting approval ends the turn; the next message works', async () => {
    const { sessionId, live } = await newSession();
    await sessions.pause(sessionId, live, '/tool echo ask-cancel');
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    expect((await sessions.turnEnd(live)).type).toBe('turn.cancelled');
    await sessions.send(sessionId, 'still there?');
    expect((await sessions.turnEnd(live, 2)).type).toBe('turn.completed');
    expect(lastReply(live)).toMatch(/^You said: still there\?/);
  });

  it('a worker restart while awaiting approval (its sandbox and CLI gone): the decision reaches the agent in a new sandbox', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-restart');
    await worker!.close();
    worker = null;
    await sessions.approve(sessionId, toolCallId);
    worker = await startTestWorker(t, ENV);
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(statuses(live.events)).toContain('PROVISIONING');
    expect(resultOf(live, toolCallId)?.output).toMatch(/^Approved by a person, but the claude-code process that asked had ended/);
    // The offline mock echoes its prompt: the new CLI run was told of the approval.
    expect(lastReply(live)).toContain('A person approved your call to Bash with {"command":"echo ask-restart"');
  });

  it('keeps the sandbox of a turn awaiting approval past the idle timeout, so the waiting CLI gets the decision', async () => {
    await worker!.close();
    worker = await startTestWorker(t, { ...ENV, PADDOCK_SANDBOX_IDLE_SECONDS: '1' });
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-idle');
    // Housekeeping runs every 0.5 s: an idle sandbox of any other session would be suspended by now.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const sandbox = await t.platform.services.db.sandbox.findUnique({ where: { sessionId: decodeGlobalId(sessionId).id } });
    expect(sandbox?.phase).toBe('READY');
    await sessions.approve(sessionId, toolCallId);
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(resultOf(live, toolCallId)).toMatchObject({ isError: false, output: expect.stringContaining('ask-idle') });
    // Once the turn is over, the sandbox idles out as usual.
    await expect
      .poll(async () => (await t.platform.services.db.sandbox.findUnique({ where: { sessionId: decodeGlobalId(sessionId).id } }))?.phase, { timeout: 30_000 })
      .toBe('SUSPENDED');
  });

  it('an approval nobody gives expires after PADDOCK_APPROVAL_TIMEOUT_SECONDS; the waiting CLI is told no', async () => {
    await worker!.close();
    worker = await startTestWorker(t, { ...ENV, PADDOCK_APPROVAL_TIMEOUT_SECONDS: '2' });
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-expire');
    expect((await sessions.turnEnd(live)).type).toBe('turn.completed');
    expect(live.events.find((e) => e.type === 'tool.approval_resolved')?.payload).toMatchObject({ toolCallId, status: 'EXPIRED' });
    expect(resultOf(live, toolCallId)?.isError).toBe(true);
    expect(resultOf(live, toolCallId)?.output).toMatch(/nobody approved the call within 2 s \(PADDOCK_APPROVAL_TIMEOUT_SECONDS\)/);
    expect(lastReply(live)).toMatch(/^Ran `echo ask-expire`\. First line of output: Denied by a person: nobody approved the call/);
  });
});
