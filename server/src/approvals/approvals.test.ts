import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { LiveSessions, statuses } from '../../test/live-sessions.ts';
import type { Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * Tool approval policies end to end: the offline mock's `/tool CMD` asks to run CMD, the
 * agent's policy holds, denies or allows it, and people decide through the API.
 */

let t: TestPlatform;
let worker: TestWorker | null = null;
let client: GraphqlClient;
let key: string;
let agentId: string;
let sessions: LiveSessions;

const POLICY = [
  { tool: 'run_command', commandPattern: 'rm *', action: 'DENY' },
  { tool: 'run_command', commandPattern: 'echo ask*', action: 'ASK' },
  { tool: 'write_*', action: 'ASK' },
];

beforeAll(async () => {
  t = await startTestPlatform();
  worker = await startTestWorker(t);
  ({ client, key } = await t.newTeam());
  sessions = new LiveSessions(t.url, client, key);
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: { name: 'careful', harness: 'chat', toolPolicy: POLICY },
    })
  ).createAgent.id;
});

afterAll(async () => {
  await sessions?.close();
  await worker?.close();
  await t?.close();
});

const newSession = () => sessions.create(agentId);

/** Waits for the turn's end and expects it completed; a failure shows the event's payload (its error). */
async function expectCompleted(live: Subscriber): Promise<void> {
  const end = await sessions.turnEnd(live);
  expect(end.type, JSON.stringify(end.payload)).toBe('turn.completed');
}

const lastResult = (live: Subscriber) =>
  live.events.filter((e) => e.type === 'tool.result').at(-1)?.payload as { output: string; isError: boolean } | undefined;

type SessionView = {
  status: string;
  pendingApprovals: {
    toolCallId: string;
    tool: string;
    input: unknown;
    status: string;
    rule: { tool: string; commandPattern: string | null; action: string };
  }[];
};
const view = async (sessionId: string) =>
  (
    await client.ok<{ session: SessionView }>(
      `query($id: ID!) { session(id: $id) { status pendingApprovals { toolCallId tool input status rule { tool commandPattern action } } } }`,
      { id: sessionId },
    )
  ).session;

describe('tool policy', { timeout: 180_000 }, () => {
  it('is stored in order and read back', async () => {
    const { agent } = await client.ok<{ agent: { toolPolicy: unknown[] } }>(
      `query($id: ID!) { agent(id: $id) { toolPolicy { tool commandPattern action } } }`,
      { id: agentId },
    );
    expect(agent.toolPolicy).toEqual(POLICY.map((r) => ({ commandPattern: null, ...r })));
  });

  it('refuses malformed rules with a message naming the field', async () => {
    const res = await client.request(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: { name: 'bad-policy', harness: 'chat', toolPolicy: [{ tool: ' ', action: 'ASK' }] },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toolPolicy.0.tool' });
  });

  it('DENY answers the call with an error the model reads, and the turn goes on', async () => {
    const { sessionId, live } = await newSession();
    await sessions.send(sessionId, '/tool rm -rf important');
    const end = await sessions.turnEnd(live);
    expect(end.type).toBe('turn.completed');
    expect(lastResult(live)).toMatchObject({ isError: true });
    expect(lastResult(live)?.output).toContain('Denied by the agent\'s tool policy: rule 1 (tool "run_command", command "rm *": DENY)');
  });

  it('ASK pauses the turn; approving runs the call and the turn completes', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId, payload } = await sessions.pause(sessionId, live, '/tool echo ask-approve');
    expect(payload).toMatchObject({
      tool: 'run_command',
      input: { command: 'echo ask-approve' },
      rule: { index: 1, tool: 'run_command', commandPattern: 'echo ask*', action: 'ASK' },
    });
    expect(live.events.some((e) => e.type === 'tool.result')).toBe(false);
    const before = await view(sessionId);
    expect(before.status).toBe('AWAITING_APPROVAL');
    expect(before.pendingApprovals).toEqual([
      {
        toolCallId,
        tool: 'run_command',
        input: { command: 'echo ask-approve' },
        status: 'PENDING',
        rule: { tool: 'run_command', commandPattern: 'echo ask*', action: 'ASK' },
      },
    ]);
    // The session is busy: a new message has to wait for the decision.
    const busy = await client.request(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hi" }) { id } }`, { s: sessionId });
    expect(busy.errors?.[0]?.extensions?.code).toBe('TURN_RUNNING');

    const { approveToolCall } = await client.ok<{ approveToolCall: { status: string; decidedBy: string; decidedAt: string } }>(
      `mutation($s: ID!, $c: String!) { approveToolCall(sessionId: $s, toolCallId: $c) { status decidedBy decidedAt } }`,
      { s: sessionId, c: toolCallId },
    );
    expect(approveToolCall).toMatchObject({ status: 'APPROVED', decidedBy: 'member' });
    const end = await sessions.turnEnd(live);
    expect(end.type).toBe('turn.completed');
    expect(lastResult(live)).toMatchObject({ output: 'ask-approve\n', isError: false });
    expect(live.events.find((e) => e.type === 'tool.approval_resolved')?.payload).toMatchObject({ toolCallId, status: 'APPROVED', decidedBy: 'member' });
    // Consecutive repeats aside (the worker restates RUNNING once the sandbox is ready).
    const distinct = statuses(live.events)
      .filter((s) => s !== 'PROVISIONING')
      .filter((s, i, all) => s !== all[i - 1]);
    expect(distinct).toEqual(['IDLE', 'RUNNING', 'AWAITING_APPROVAL', 'RUNNING', 'IDLE']);
    expect((await view(sessionId)).pendingApprovals).toEqual([]);
    // One turn across the pause: it keeps its start, its steps go on, and its usage adds up both runs.
    type Usage = { inputTokens: number; outputTokens: number };
    const { session } = await client.ok<{
      session: {
        usage: Usage;
        turns: {
          edges: {
            node: { status: string; startedAt: string; usage: Usage; steps: { kind: string; name: string; status: string; toolCallId: string | null }[] };
          }[];
        };
      };
    }>(
      `query($s: ID!) { session(id: $s) { usage { inputTokens outputTokens } turns(first: 5) { edges { node { status startedAt usage { inputTokens outputTokens } steps { kind name status toolCallId } } } } } }`,
      { s: sessionId },
    );
    const [turn] = session.turns.edges.map((e) => e.node);
    expect(turn!.status).toBe('COMPLETED');
    expect(new Date(turn!.startedAt).getTime()).toBeLessThan(new Date(approveToolCall.decidedAt).getTime());
    expect(turn!.steps.map((step) => `${step.kind}:${step.name}:${step.status}`)).toEqual([
      'MODEL:paddock-mock:COMPLETED',
      'TOOL:run_command:COMPLETED',
      'MODEL:paddock-mock:COMPLETED',
    ]);
    expect(turn!.steps[1]!.toolCallId).toBe(toolCallId);
    expect(turn!.usage).toEqual((end.payload as { usage: Usage }).usage);
    expect(turn!.usage).toEqual(session.usage);
    expect(turn!.usage.outputTokens).toBeGreaterThan(0);
    // A second decision on the same call is a conflict, not a second run.
    const again = await client.request(`mutation($s: ID!, $c: String!) { denyToolCall(sessionId: $s, toolCallId: $c) { status } }`, {
      s: sessionId,
      c: toolCallId,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toMatch(/approved by member/);
    // The conversation goes on normally.
    await sessions.send(sessionId, 'thanks');
    expect((await sessions.turnEnd(live, 2)).type).toBe('turn.completed');
  });

  it('ASK then deny: the model gets the reason as the tool error and the turn continues', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/write notes.txt secret plans');
    const { denyToolCall } = await client.ok<{ denyToolCall: { status: string; reason: string } }>(
      `mutation($s: ID!, $c: String!, $r: String) { denyToolCall(sessionId: $s, toolCallId: $c, reason: $r) { status reason } }`,
      { s: sessionId, c: toolCallId, r: 'not in this repo' },
    );
    expect(denyToolCall).toEqual({ status: 'DENIED', reason: 'not in this repo' });
    await expectCompleted(live);
    expect(lastResult(live)).toEqual({ id: toolCallId, output: 'Denied by a person: not in this repo.', isError: true });
  });

  it('cancelTurn while awaiting approval ends the turn; the next message works', async () => {
    const { sessionId, live } = await newSession();
    await sessions.pause(sessionId, live, '/tool echo ask-cancel');
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    expect((await sessions.turnEnd(live)).type).toBe('turn.cancelled');
    expect(statuses(live.events).at(-1)).toBe('IDLE');
    await sessions.send(sessionId, 'still there?');
    expect((await sessions.turnEnd(live, 2)).type).toBe('turn.completed');
  });

  it("decisions are refused for other teams' sessions and unknown calls", async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-stranger');
    const stranger = await t.newTeam();
    const res = await stranger.client.request(`mutation($s: ID!, $c: String!) { approveToolCall(sessionId: $s, toolCallId: $c) { status } }`, {
      s: sessionId,
      c: toolCallId,
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknown = await client.request(`mutation($s: ID!) { approveToolCall(sessionId: $s, toolCallId: "call_nope") { status } }`, { s: sessionId });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    await sessions.turnEnd(live);
  });
});

describe('paused turns are durable', { timeout: 240_000 }, () => {
  it('a worker restart while awaiting approval: the approved call runs on the next worker', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-restart');
    await worker!.close();
    worker = null;
    await client.ok(`mutation($s: ID!, $c: String!) { approveToolCall(sessionId: $s, toolCallId: $c) { status } }`, { s: sessionId, c: toolCallId });
    expect((await view(sessionId)).status).toBe('RUNNING');
    worker = await startTestWorker(t);
    await expectCompleted(live);
    expect(lastResult(live)).toMatchObject({ output: 'ask-restart\n', isError: false });
  });

  it('a sandbox gone while awaiting approval: the turn continues in a new one rehydrated from the conversation', async () => {
    const { sessionId, live } = await newSession();
    const { toolCallId } = await sessions.pause(sessionId, live, '/tool echo ask-rehydrate');
    await worker!.worker.sandboxes.destroy(decodeGlobalId(sessionId).id);
    await client.ok(`mutation($s: ID!, $c: String!) { approveToolCall(sessionId: $s, toolCallId: $c) { status } }`, { s: sessionId, c: toolCallId });
    await expectCompleted(live);
    expect(statuses(live.events)).toContain('PROVISIONING');
    expect(lastResult(live)).toMatchObject({ output: 'ask-rehydrate\n', isError: false });
    const reply = live.events.filter((e) => e.type === 'message.completed').at(-1);
    expect(String((reply?.payload as { content: string }).content)).toContain('Ran `echo ask-rehydrate`');
  });

  it('an approval nobody gives expires after PADDOCK_APPROVAL_TIMEOUT_SECONDS as denied', async () => {
    await worker!.close();
    worker = await startTestWorker(t, { PADDOCK_APPROVAL_TIMEOUT_SECONDS: '2' });
    const { sessionId, live } = await newSession();
    const { toolCallId, payload } = await sessions.pause(sessionId, live, '/tool echo ask-expire');
    expect(Date.parse(String(payload.expiresAt))).toBeGreaterThan(Date.now() - 60_000);
    await expectCompleted(live);
    expect(live.events.find((e) => e.type === 'tool.approval_resolved')?.payload).toMatchObject({ toolCallId, status: 'EXPIRED', decidedBy: null });
    expect(lastResult(live)?.isError).toBe(true);
    expect(lastResult(live)?.output).toMatch(/nobody approved the call within 2 s \(PADDOCK_APPROVAL_TIMEOUT_SECONDS\)/);
  });
});
