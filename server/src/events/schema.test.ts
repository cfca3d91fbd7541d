import { SESSION_EVENT_TYPES } from '@paddock/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber, type LiveEvent } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * Every kind of event a turn produces reaches clients as its own GraphQL object type with
 * typed fields, live and replayed alike, through the real API, worker, sandbox and runtime.
 */

type Usage = { inputTokens: number; outputTokens: number };
type TypedEvent = LiveEvent & {
  __typename: string;
  createdAt: string;
  status?: string;
  message?: string | null;
  content?: string;
  text?: string;
  turnId?: string;
  toolCallId?: string;
  name?: string;
  input?: unknown;
  output?: string;
  isError?: boolean;
  attempt?: number;
  maxRetries?: number;
  httpStatus?: number | null;
  delayMs?: number;
  error?: string;
  code?: string | null;
  usage?: Usage;
  host?: string;
  port?: number;
  reason?: string | null;
  server?: string | null;
  tool?: string;
  rule?: { tool: string; commandPattern: string | null; action: string };
  ruleIndex?: number;
  expiresAt?: string;
  decidedBy?: string | null;
  decision?: string;
  decisionReason?: string | null;
  serverName?: string;
  phase?: string;
};

// One selection for every kind; it also proves that the kinds' fields can share a query.
const SELECTION = `
  __typename seq type messageId delta payload createdAt
  ... on SessionStatusEvent { status message }
  ... on UserMessageEvent { content }
  ... on TurnStartedEvent { turnId }
  ... on MessageDeltaEvent { text }
  ... on MessageThinkingEvent { text }
  ... on MessageCompletedEvent { content }
  ... on ToolCallEvent { toolCallId name input server }
  ... on ToolResultEvent { toolCallId output isError server }
  ... on ModelRetryEvent { attempt maxRetries httpStatus delayMs error }
  ... on TurnCompletedEvent { turnId usage { inputTokens outputTokens } }
  ... on TurnFailedEvent { turnId error code usage { inputTokens outputTokens } }
  ... on TurnCancelledEvent { turnId usage { inputTokens outputTokens } }
  ... on EgressBlockedEvent { host port reason }
  ... on ToolApprovalRequestedEvent { toolCallId tool server input rule { tool commandPattern action } ruleIndex expiresAt }
  ... on ToolApprovalResolvedEvent { toolCallId tool decision decisionReason decidedBy }
  ... on McpErrorEvent { serverName phase error }
`;

const TYPENAMES: Record<string, string> = {
  'session.status': 'SessionStatusEvent',
  'user.message': 'UserMessageEvent',
  'turn.started': 'TurnStartedEvent',
  'message.delta': 'MessageDeltaEvent',
  'message.thinking': 'MessageThinkingEvent',
  'message.completed': 'MessageCompletedEvent',
  'tool.call': 'ToolCallEvent',
  'tool.result': 'ToolResultEvent',
  'model.retry': 'ModelRetryEvent',
  'turn.completed': 'TurnCompletedEvent',
  'turn.failed': 'TurnFailedEvent',
  'turn.cancelled': 'TurnCancelledEvent',
  'egress.blocked': 'EgressBlockedEvent',
  'tool.approval_requested': 'ToolApprovalRequestedEvent',
  'tool.approval_resolved': 'ToolApprovalResolvedEvent',
  'mcp.error': 'McpErrorEvent',
};

/** The typed fields an event must carry, read from its untyped payload (kept for compatibility). */
function expectedFields(e: TypedEvent): Record<string, unknown> {
  const p = e.payload ?? {};
  switch (e.type) {
    case 'session.status':
      return { status: p.status, message: p.message ?? null };
    case 'user.message':
    case 'message.completed':
      return { content: p.content };
    case 'turn.started':
      return { turnId: p.turnId };
    case 'message.delta':
    case 'message.thinking':
      return { text: e.delta };
    case 'tool.call':
      return { toolCallId: p.id, name: p.name, input: p.input, server: p.server ?? null };
    case 'tool.result':
      return { toolCallId: p.id, output: p.output, isError: p.isError, server: p.server ?? null };
    case 'model.retry':
      return { attempt: p.attempt, maxRetries: p.maxRetries, httpStatus: p.status ?? null, delayMs: p.delayMs, error: p.error };
    case 'turn.completed':
      return { turnId: p.turnId, usage: p.usage };
    case 'turn.failed':
      return { turnId: p.turnId, error: p.error, code: p.code, usage: p.usage };
    case 'turn.cancelled':
      return { turnId: p.turnId, usage: p.usage };
    case 'egress.blocked':
      return { host: p.host, port: p.port, reason: p.reason };
    case 'tool.approval_requested': {
      const rule = p.rule as { index: number; tool: string; commandPattern: string | null; action: string };
      return {
        toolCallId: p.toolCallId,
        tool: p.tool,
        server: p.server ?? null,
        input: p.input,
        rule: { tool: rule.tool, commandPattern: rule.commandPattern, action: rule.action },
        ruleIndex: rule.index,
        expiresAt: p.expiresAt,
      };
    }
    case 'tool.approval_resolved':
      return { toolCallId: p.toolCallId, tool: p.tool, decision: p.status, decisionReason: p.reason, decidedBy: p.decidedBy };
    case 'mcp.error':
      return { serverName: p.server, phase: p.phase, error: p.error };
    default:
      throw new Error(`no expectation for ${e.type}`);
  }
}

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
let agentId: string;
const subscribers: Subscriber<TypedEvent>[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  worker = await startTestWorker(t, { PADDOCK_SANDBOX_IDLE_SECONDS: '600' });
  ({ client, key } = await t.newTeam());
  // An egress rule gives the agent's commands the egress proxy, which refuses unlisted hosts;
  // an MCP server that cannot be reached is an mcp.error; a policy holds `echo ask…` for approval.
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: {
        name: 'typed-events',
        harness: 'chat',
        egressAllow: ['allowed.invalid'],
        mcpServers: [{ name: 'gone', url: 'https://mcp.gone.invalid/mcp' }],
        toolPolicy: [{ tool: 'run_command', commandPattern: 'echo ask*', action: 'ASK' }],
      },
    })
  ).createAgent.id;
});
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
});

async function newSession(): Promise<string> {
  return (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
}

const send = (sessionId: string, content: string) =>
  client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });

/** Sends a message and waits until its turn has ended and the session is no longer busy. */
async function turn(live: Subscriber<TypedEvent>, sessionId: string, content: string, during?: () => Promise<void>): Promise<void> {
  const ends = () => live.events.filter((e) => /^turn\.(completed|failed|cancelled)$/.test(e.type)).length;
  const before = ends();
  await send(sessionId, content);
  await during?.();
  const settled = (e: TypedEvent | undefined) => e?.__typename === 'SessionStatusEvent' && e.status !== 'RUNNING' && e.status !== 'PROVISIONING';
  await live.waitFor(() => ends() > before && settled(live.events.at(-1)), 90_000);
}

const events = (sessionId: string) =>
  client.ok<{ session: { events: TypedEvent[] } }>(`query($s: ID!) { session(id: $s) { events(first: 100) { ${SELECTION} } } }`, { s: sessionId });

describe('typed session events', () => {
  it('gives every kind of event a turn produces its own object type with typed fields, live and replayed', async () => {
    const sessionId = await newSession();
    const live = new Subscriber<TypedEvent>(t.url, key, SELECTION).subscribe(sessionId);
    subscribers.push(live);

    await turn(live, sessionId, '/think about types');
    await turn(live, sessionId, '/tool curl -sS -m 10 http://unlisted.invalid/ || echo refused');
    await turn(live, sessionId, '/fail 503 times=1 retry-after=1');
    await turn(live, sessionId, '/fail 400');
    await turn(live, sessionId, '/tool sleep 60', async () => {
      await live.waitForType('tool.call', 2, 90_000);
      await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    });
    await turn(live, sessionId, '/tool echo ask-typed', async () => {
      await live.waitForType('tool.approval_requested', 1, 90_000);
      const requested = live.events.find((e) => e.type === 'tool.approval_requested')!;
      await client.ok(`mutation($s: ID!, $c: String!) { approveToolCall(sessionId: $s, toolCallId: $c) { status } }`, {
        s: sessionId,
        c: requested.toolCallId,
      });
    });
    // A refusal noticed after its turn ended is appended on its own; wait for it too.
    await live.waitForType('egress.blocked', 1, 30_000);

    expect(live.error).toBeNull();
    // Every kind of the vocabulary occurred, each as its own object type.
    expect(new Set(live.events.map((e) => e.type))).toEqual(new Set(SESSION_EVENT_TYPES));
    for (const e of live.events) {
      expect(e.__typename, `seq ${e.seq} (${e.type})`).toBe(TYPENAMES[e.type]);
      expect(e, `seq ${e.seq} (${e.type})`).toMatchObject(expectedFields(e));
    }
    const failed = live.events.find((e) => e.type === 'turn.failed')!;
    expect(failed).toMatchObject({ code: 'HARNESS_ERROR', error: expect.stringMatching(/fail/i) });
    expect(live.events.find((e) => e.type === 'egress.blocked')).toMatchObject({ host: 'unlisted.invalid', port: 80 });
    expect(live.events.find((e) => e.type === 'model.retry')).toMatchObject({ attempt: 1, httpStatus: 503, delayMs: 1000 });
    expect(live.events.find((e) => e.type === 'turn.cancelled')!.usage!.inputTokens).toBeGreaterThan(0);
    expect(live.events.find((e) => e.type === 'mcp.error')).toMatchObject({ serverName: 'gone', phase: 'connect' });
    expect(live.events.find((e) => e.type === 'tool.approval_resolved')).toMatchObject({ decision: 'APPROVED', decidedBy: 'member' });

    // The log serves the same typed objects the subscription delivered.
    const stored = (await events(sessionId)).session.events;
    expect(stored.slice(0, live.events.length)).toEqual(live.events);

    // The tool calls of each message, typed, with their results.
    const messages = await client.ok<{
      session: {
        messages: {
          edges: {
            node: { role: string; toolCalls: unknown; calls: { id: string; name: string; input: unknown; output: string | null; isError: boolean }[] };
          }[];
        };
      };
    }>(`query($s: ID!) { session(id: $s) { messages(first: 100) { edges { node { role toolCalls calls { id name input output isError } } } } } }`, {
      s: sessionId,
    });
    const calls = messages.session.messages.edges.flatMap((e) => e.node.calls);
    const toolEvents = live.events.filter((e) => e.type === 'tool.call');
    expect(calls.map((c) => [c.id, c.name, c.input])).toEqual(toolEvents.map((e) => [e.toolCallId, e.name, e.input]));
    const results = live.events.filter((e) => e.type === 'tool.result');
    expect(calls.map((c) => [c.id, c.output, c.isError])).toEqual(results.map((e) => [e.toolCallId, e.output, e.isError]));
    for (const { node } of messages.session.messages.edges) {
      if (node.calls.length === 0) expect(node.toolCalls).toBeNull();
      else expect(node.toolCalls).toEqual(node.calls.map((c) => expect.objectContaining({ id: c.id, name: c.name, input: c.input })));
    }
  }, 300_000);

  it('serves events this version cannot type as UnrecognizedEvent with their type and payload', async () => {
    const sessionId = await newSession();
    const id = decodeGlobalId(sessionId).id;
    const { db } = t.platform.services;
    // What a newer Paddock (in a rolling upgrade) or a damaged row would leave in the log.
    await db.$transaction([
      db.sessionEvent.createMany({
        data: [
          { sessionId: id, seq: 2, type: 'tool.approval_requested', payload: { toolCallId: 'c1' } },
          { sessionId: id, seq: 3, type: 'tool.call', payload: { id: 'c2' } },
        ],
      }),
      db.session.update({ where: { id }, data: { lastSeq: 3 } }),
    ]);
    const stored = (await events(sessionId)).session.events;
    expect(stored.map((e) => [e.seq, e.__typename, e.type, e.payload])).toEqual([
      [1, 'SessionStatusEvent', 'session.status', { status: 'IDLE' }],
      [2, 'UnrecognizedEvent', 'tool.approval_requested', { toolCallId: 'c1' }],
      [3, 'UnrecognizedEvent', 'tool.call', { id: 'c2' }],
    ]);
  });
});
