import { startMockLlm } from '@paddock/mock-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId, decodeGlobalId } from '../ids/global-id.ts';
import { killSandboxes, WorkerProcess } from '../../test/faults.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../test/otlp/receiver.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * Traces as an OpenTelemetry collector receives them: the API and an in-process worker
 * export OTLP/HTTP protobuf without message content; a worker process exports OTLP/JSON
 * with message content. Spans are decoded from the wire and checked as a tree.
 */

const SECRET = 'tr4ce-s3cret-value-8812';
const TRACE_ENV = (receiver: OtlpReceiver) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_SERVICE_NAME: 'paddock-test',
  OTEL_BSP_SCHEDULE_DELAY: '200',
});

let receiver: OtlpReceiver;
let t: TestPlatform;
let worker: TestWorker | null = null;
let client: GraphqlClient;
let key: string;
let agentId: string;
const subscribers: Subscriber[] = [];
const processes: WorkerProcess[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  t = await startTestPlatform(TRACE_ENV(receiver));
  worker = await startTestWorker(t, TRACE_ENV(receiver));
  ({ client, key } = await t.newTeam());
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(
      `mutation($v: String!) { createAgent(input: { name: "tracer", harness: "chat", env: [{ name: "API_TOKEN", value: $v }] }) { id } }`,
      { v: SECRET },
    )
  ).createAgent.id;
}, 240_000);

afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  for (const p of processes) p.kill('SIGTERM');
  await Promise.all(processes.map((p) => p.exited));
  if (t) await killSandboxes(t.dataDir);
  await t?.close();
  await receiver?.close();
}, 120_000);

async function newSession(): Promise<string> {
  return (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
}

/** sendMessage as a traced client would call it: with its own `traceparent`, or none. */
async function send(sessionId: string, content: string, traceparent?: string): Promise<void> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...(traceparent ? { traceparent } : {}) },
    body: JSON.stringify({
      query: 'mutation Send($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }',
      variables: { s: sessionId, c: content },
    }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  expect(body.errors).toBeUndefined();
}

function watch(sessionId: string) {
  const s = new Subscriber(t.url, key);
  subscribers.push(s);
  return s.subscribe(sessionId);
}

/** The finished trace of a session's turn: its invoke_agent span and everything in its trace. */
async function turnTrace(sessionId: string, status: string): Promise<{ root: ReceivedSpan; spans: ReceivedSpan[] }> {
  const root = await receiver.waitFor(
    (spans) =>
      spans.find(
        (s) => s.name.startsWith('invoke_agent') && s.attributes['gen_ai.conversation.id'] === sessionId && s.attributes['paddock.turn.status'] === status,
      ),
    `the ${status} turn's invoke_agent span`,
  );
  // Children are ended, and so exported, no later than their parent; give the batch a moment.
  await receiver.waitFor((spans) => spans.some((s) => s.spanId === root.parentSpanId), 'the sendMessage request span');
  return { root, spans: receiver.spans.filter((s) => s.traceId === root.traceId) };
}

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);
const STATUS = { UNSET: 0, OK: 1, ERROR: 2 };
const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };

describe('traces of turns, exported over OTLP/HTTP protobuf', () => {
  it('follow a turn with a tool call from the client request to the model gateway, as one trace', async () => {
    const sessionId = await newSession();
    const live = watch(sessionId);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await send(sessionId, '/tool echo hi', `00-${traceId}-b7ad6b7169203331-01`);
    await live.waitForType('turn.completed');

    const { root, spans } = await turnTrace(sessionId, 'COMPLETED');
    expect(root.encoding).toBe('protobuf');
    expect(root.traceId).toBe(traceId);
    const request = spans.find((s) => s.name === 'mutation Send')!;
    expect(request).toMatchObject({
      kind: KIND.SERVER,
      parentSpanId: 'b7ad6b7169203331',
      serviceName: 'paddock-test',
      attributes: { 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'Send' },
    });
    expect(root.parentSpanId).toBe(request.spanId);
    expect(root.name).toBe('invoke_agent tracer');
    expect(root.status.code).toBe(STATUS.OK);
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': agentId,
      'gen_ai.agent.name': 'tracer',
      'gen_ai.conversation.id': sessionId,
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
    });
    expect(root.attributes['error.type']).toBeUndefined();
    expect(root.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);

    const children = childrenOf(spans, root);
    expect(children.map((s) => s.name)).toEqual(expect.arrayContaining(['queue_wait', 'sandbox_acquire', 'chat paddock-mock', 'execute_tool run_command']));
    const sandbox = children.find((s) => s.name === 'sandbox_acquire')!;
    expect(sandbox.attributes).toMatchObject({
      'paddock.sandbox.driver': 'local',
      'paddock.sandbox.launch': 'cold',
      'paddock.sandbox.acquire_ms': expect.any(Number),
    });
    const chats = children.filter((s) => s.name.startsWith('chat ')).sort((a, b) => a.startMs - b.startMs);
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.kind).toBe(KIND.CLIENT);
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'paddock-mock',
        'gen_ai.response.model': expect.any(String),
        'gen_ai.usage.input_tokens': expect.any(Number),
        'gen_ai.usage.output_tokens': expect.any(Number),
        'server.address': '127.0.0.1',
      });
    }
    expect(chats[0]!.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    // The answer after the tool result streams text: its time to first token is measured.
    expect(chats[1]!.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    const tool = children.find((s) => s.name === 'execute_tool run_command')!;
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'run_command',
      'gen_ai.tool.call.id': expect.any(String),
    });
    expect(tool.startMs).toBeGreaterThanOrEqual(chats[0]!.startMs);
    expect(chats[1]!.startMs).toBeGreaterThanOrEqual(tool.startMs);

    // The gateway was asked with each chat span as parent: a traced LiteLLM's spans join this trace.
    expect(worker!.mock.traceparents()).toEqual(expect.arrayContaining(chats.map((c) => `00-${traceId}-${c.spanId}-01`)));
    // No message content without OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT.
    for (const span of spans) {
      for (const name of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result'])
        expect(span.attributes[name]).toBeUndefined();
    }
  });

  it('mark a failed turn and its model request as errors', async () => {
    const sessionId = await newSession();
    const live = watch(sessionId);
    await send(sessionId, '/fail 400');
    await live.waitForType('turn.failed');
    const { root, spans } = await turnTrace(sessionId, 'FAILED');
    expect(root.status.code).toBe(STATUS.ERROR);
    expect(root.status.message).toContain('HTTP 400');
    expect(root.attributes['error.type']).toBe('turn_failed');
    const chat = childrenOf(spans, root).find((s) => s.name.startsWith('chat '))!;
    expect(chat.status.code).toBe(STATUS.ERROR);
    expect(chat.attributes['error.type']).toBe('model_error');
  });

  it('mark a cancelled turn, and the model request it cut short', async () => {
    const sessionId = await newSession();
    const live = watch(sessionId);
    await send(sessionId, '/long 2000 rate=20');
    await live.waitForType('message.delta');
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    await live.waitForType('turn.cancelled');
    const { root, spans } = await turnTrace(sessionId, 'CANCELLED');
    expect(root.status.code).toBe(STATUS.ERROR);
    expect(root.attributes['error.type']).toBe('cancelled');
    const chat = childrenOf(spans, root).find((s) => s.name.startsWith('chat '))!;
    expect(chat.attributes['error.type']).toBe('cancelled');
    expect(chat.endMs).toBeLessThanOrEqual(root.endMs);
  });

  it('show the same steps through Session.turns, with durations', async () => {
    const sessionId = await newSession();
    const live = watch(sessionId);
    await send(sessionId, '/tool echo hi');
    await live.waitForType('turn.completed');
    const data = await client.ok<{
      session: { turns: { edges: { node: Record<string, unknown> & { steps: Record<string, unknown>[] } }[] } };
    }>(
      `query($s: ID!) { session(id: $s) { turns(first: 5) { edges { node {
        id status queuedAt startedAt sandboxReadyAt sandboxLaunch firstTokenAt endedAt queueMs durationMs timeToFirstTokenMs error
        usage { inputTokens outputTokens } userMessage { content }
        steps { kind name status startedAt endedAt durationMs timeToFirstTokenMs responseModel finishReason toolCallId error usage { outputTokens } }
      } } } } }`,
      { s: sessionId },
    );
    const [turn] = data.session.turns.edges.map((e) => e.node);
    expect(decodeGlobalId(turn!.id as string).typename).toBe('Turn');
    expect(turn).toMatchObject({ status: 'COMPLETED', sandboxLaunch: 'COLD', error: null, userMessage: { content: '/tool echo hi' } });
    for (const field of ['queuedAt', 'startedAt', 'sandboxReadyAt', 'firstTokenAt', 'endedAt']) expect(turn![field]).toEqual(expect.any(String));
    expect(turn!.durationMs).toBeGreaterThanOrEqual(0);
    expect((turn!.usage as { outputTokens: number }).outputTokens).toBeGreaterThan(0);
    expect(turn!.steps.map((s) => `${s.kind}:${s.name}:${s.status}`)).toEqual([
      'MODEL:paddock-mock:COMPLETED',
      'TOOL:run_command:COMPLETED',
      'MODEL:paddock-mock:COMPLETED',
    ]);
    expect(turn!.steps[0]).toMatchObject({ finishReason: 'tool_calls', durationMs: expect.any(Number), usage: { outputTokens: expect.any(Number) } });
    expect(turn!.steps[1]).toMatchObject({ toolCallId: expect.any(String), durationMs: expect.any(Number), usage: null });
    expect(turn!.steps[2]!.timeToFirstTokenMs).toEqual(expect.any(Number));
    // The turn is also a node.
    const node = await client.ok<{ node: { status: string } }>(`query($id: ID!) { node(id: $id) { ... on Turn { status } } }`, { id: turn!.id });
    expect(node.node.status).toBe('COMPLETED');
  });

  it('trace a turn that paused for approval as one run per invoke_agent span, in the same trace', async () => {
    const careful = (
      await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
        in: { name: 'careful-tracer', harness: 'chat', toolPolicy: [{ tool: 'run_command', action: 'ASK' }] },
      })
    ).createAgent.id;
    const sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: careful }))
      .createSession.id;
    const live = watch(sessionId);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await send(sessionId, '/tool echo traced-approval', `00-${traceId}-00f067aa0ba902b7-01`);
    await live.waitForType('tool.approval_requested');
    const { root: paused, spans: first } = await turnTrace(sessionId, 'AWAITING_APPROVAL');
    expect(paused.traceId).toBe(traceId);
    expect(paused.status.code).toBe(STATUS.UNSET);
    // The call that waits ends with the run that asked, marked as waiting for a person.
    const waiting = childrenOf(first, paused).find((s) => s.name === 'execute_tool run_command');
    expect(waiting?.attributes['paddock.tool.awaiting_approval']).toBe(true);

    const toolCallId = String((live.events.find((e) => e.type === 'tool.approval_requested')?.payload as { toolCallId: string }).toolCallId);
    await client.ok(`mutation($s: ID!, $c: String!) { approveToolCall(sessionId: $s, toolCallId: $c) { status } }`, { s: sessionId, c: toolCallId });
    await live.waitForType('turn.completed');
    const { root: resumed, spans } = await turnTrace(sessionId, 'COMPLETED');
    expect(resumed.traceId).toBe(traceId);
    expect(resumed.attributes['paddock.turn.id']).toBe(paused.attributes['paddock.turn.id']);
    expect(resumed.startMs).toBeGreaterThanOrEqual(paused.endMs);
    expect(resumed.status.code).toBe(STATUS.OK);
    expect(childrenOf(spans, resumed).map((s) => s.name)).toEqual(expect.arrayContaining(['queue_wait', 'sandbox_acquire', 'chat paddock-mock']));
  });

  it("hides another team's turns", async () => {
    const sessionId = await newSession();
    const live = watch(sessionId);
    await send(sessionId, 'hello');
    await live.waitForType('turn.completed');
    const { turns } = (
      await client.ok<{ session: { turns: { edges: { node: { id: string } }[] } } }>(`query($s: ID!) { session(id: $s) { turns { edges { node { id } } } } }`, {
        s: sessionId,
      })
    ).session;
    const other = await t.newTeam();
    const seen = await other.client.ok<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: turns.edges[0]!.node.id });
    expect(seen.node).toBeNull();
  });
});

describe('a worker process exporting OTLP/JSON with message content', () => {
  it('puts the conversation into spans, redacted: never a secret value', async () => {
    await worker?.close();
    worker = null;
    const mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 400 });
    try {
      processes.push(
        await WorkerProcess.start({
          DATABASE_URL: t.platform.databaseUrl,
          PADDOCK_DATA_DIR: t.dataDir,
          LITELLM_API_BASE: mock.url,
          LITELLM_API_KEY: 'mock-key',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: 'paddock-worker',
          OTEL_BSP_SCHEDULE_DELAY: '200',
          OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        }),
      );
      const sessionId = await newSession();
      const live = watch(sessionId);
      // The secret's value comes back in the tool output and is in the message itself.
      await send(sessionId, `/tool echo ${SECRET}`);
      await live.waitForType('turn.completed');
      const { root, spans } = await turnTrace(sessionId, 'COMPLETED');
      expect(root).toMatchObject({ encoding: 'json', serviceName: 'paddock-worker' });
      expect(JSON.parse(root.attributes['gen_ai.input.messages'] as string)).toEqual([
        { role: 'user', parts: [{ type: 'text', content: '/tool echo [redacted:API_TOKEN]' }] },
      ]);
      // The model's closing text passes the egress proxy, which swaps the echoed value back to the sandbox's placeholder.
      expect(root.attributes['gen_ai.output.messages']).toMatch(/paddock-secret-[\w-]{32}/);
      const tool = spans.find((s) => s.name === 'execute_tool run_command')!;
      expect(JSON.parse(tool.attributes['gen_ai.tool.call.arguments'] as string)).toMatchObject({ command: 'echo [redacted:API_TOKEN]' });
      expect(tool.attributes['gen_ai.tool.call.result']).toBe('[redacted:API_TOKEN]\n');
      expect(JSON.stringify(receiver.spans)).not.toContain(SECRET);
      expect(mock.traceparents().some((p) => p.includes(root.traceId))).toBe(true);
      expect(encodeGlobalId('Session', decodeGlobalId(sessionId).id)).toBe(root.attributes['gen_ai.conversation.id']);
    } finally {
      await mock.close();
    }
  });
});
