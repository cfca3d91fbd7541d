import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStatus } from '../db/index.ts';
import { decodeGlobalId } from '../ids/global-id.ts';
import { canMoveSession } from '../sessions/lifecycle.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber, textOf, type LiveEvent } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
let agentId: string;
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  worker = await startTestWorker(t, { PADDOCK_SANDBOX_IDLE_SECONDS: '600' });
  ({ client, key } = await t.newTeam());
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(
      `mutation { createAgent(input: { name: "worker-test", harness: "chat", systemPrompt: "Be brief.", env: [{ name: "SECRET_TOKEN", value: "hunter2" }] }) { id } }`,
    )
  ).createAgent.id;
});
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
});

function subscriber(): Subscriber {
  const s = new Subscriber(t.url, key);
  subscribers.push(s);
  return s;
}

async function newSession(): Promise<string> {
  return (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
}

async function send(sessionId: string, content: string): Promise<string> {
  return (
    await client.ok<{ sendMessage: { id: string } }>(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, {
      s: sessionId,
      c: content,
    })
  ).sendMessage.id;
}

const types = (events: LiveEvent[]) => events.filter((e) => e.type !== 'message.delta').map((e) => e.type);
const assistantIds = (events: LiveEvent[]) => [...new Set(events.filter((e) => e.type === 'message.delta').map((e) => e.messageId!))];

function expectGapless(events: LiveEvent[], from = 1) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => from + i));
}

describe('a turn', () => {
  it('streams the reply token by token and stores exactly what was streamed', async () => {
    const sessionId = await newSession();
    const live = subscriber().subscribe(sessionId);
    // Paced at 20 tokens/s, so the reply arrives over two seconds even on a busy machine.
    await send(sessionId, '/long 40 rate=20');
    await live.waitForType('turn.completed');
    await live.waitFor((events) => events.at(-1)?.type === 'session.status');
    expectGapless(live.events);
    expect(types(live.events)).toEqual([
      'session.status',
      'user.message',
      'session.status',
      'turn.started',
      'session.status',
      'session.status',
      'message.completed',
      'turn.completed',
      'session.status',
    ]);
    expect(live.events.filter((e) => e.type === 'session.status').map((e) => e.payload?.status)).toEqual([
      'IDLE',
      'RUNNING',
      'PROVISIONING',
      'RUNNING',
      'IDLE',
    ]);
    const deltas = live.events.filter((e) => e.type === 'message.delta');
    // Streamed in pieces as the model produced them, not in one piece at the end.
    expect(deltas.length).toBeGreaterThan(3);
    const [messageId] = assistantIds(live.events);
    const text = textOf(live.events, messageId!);
    expect(text).toBe(Array.from({ length: 40 }, (_, i) => `tok${i + 1}`).join(' '));

    const stored = await client.ok<{
      session: {
        status: string;
        usage: { outputTokens: number };
        messages: { edges: { node: { role: string; content: string; status: string; usage: { outputTokens: number } } }[] };
      };
    }>(`query($s: ID!) { session(id: $s) { status usage { outputTokens } messages { edges { node { role content status usage { outputTokens } } } } } }`, {
      s: sessionId,
    });
    expect(stored.session.status).toBe('IDLE');
    expect(stored.session.messages.edges.map((e) => [e.node.role, e.node.status])).toEqual([
      ['USER', 'COMPLETE'],
      ['ASSISTANT', 'COMPLETE'],
    ]);
    expect(stored.session.messages.edges[1]!.node.content).toBe(text);
    expect(stored.session.usage.outputTokens).toBeGreaterThan(0);
    expect(stored.session.messages.edges[1]!.node.usage.outputTokens).toBe(stored.session.usage.outputTokens);

    // A replay from the log is identical to what was seen live.
    const replay = subscriber().subscribe(sessionId);
    await replay.waitFor((events) => events.length === live.events.length);
    expect(replay.events).toEqual(live.events);
  });

  it('runs tool calls in the sandbox, with placeholders for the agent secrets in its environment', async () => {
    const sessionId = await newSession();
    const live = subscriber().subscribe(sessionId);
    const digest = createHash('sha256').update('hunter2').digest('hex');
    await send(
      sessionId,
      `/tool test "$(printf %s "$SECRET_TOKEN" | sha256sum | cut -d' ' -f1)" != ${digest} && case "$SECRET_TOKEN" in paddock-secret-*) echo placeholder-delivered;; esac; echo "home=$HOME leaked=$(env | grep -c -e DATABASE_URL -e PADDOCK_ADMIN_KEY) interfaces=$(tail -n +3 /proc/net/dev | wc -l)"`,
    );
    await live.waitForType('turn.completed');
    const call = live.events.find((e) => e.type === 'tool.call')!;
    const result = live.events.find((e) => e.type === 'tool.result')!;
    expect(call.payload).toMatchObject({ name: 'run_command' });
    const output = String(result.payload?.output);
    expect(output).toContain('placeholder-delivered');
    // The platform's own environment does not leak into the sandbox.
    expect(output).toContain('leaked=0');
    // An agent without egress rules runs its commands with loopback only.
    expect(output).toContain('interfaces=1');
    expect(result.payload?.isError).toBe(false);

    const stored = await client.ok<{
      session: { messages: { edges: { node: { role: string; toolCalls: { name: string; output: string }[] | null; toolCallId: string | null } }[] } };
    }>(`query($s: ID!) { session(id: $s) { messages { edges { node { role toolCalls toolCallId } } } } }`, { s: sessionId });
    const roles = stored.session.messages.edges.map((e) => e.node.role);
    expect(roles).toEqual(['USER', 'ASSISTANT', 'TOOL', 'ASSISTANT']);
    expect(stored.session.messages.edges[1]!.node.toolCalls?.[0]).toMatchObject({ name: 'run_command' });
    expect(stored.session.messages.edges[2]!.node.toolCallId).toBe(call.payload?.id);
    // Secret values never reach the event log.
    const log = await t.platform.services.db.sessionEvent.findMany({ where: { sessionId: decodeGlobalId(sessionId).id } });
    expect(JSON.stringify(log)).not.toContain('hunter2');
  });

  it('cancels a long reply promptly and records it', async () => {
    const sessionId = await newSession();
    const live = subscriber().subscribe(sessionId);
    await send(sessionId, '/long 2000 rate=50');
    await live.waitFor((events) => events.filter((e) => e.type === 'message.delta').length >= 5);
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    // The whole reply would take 40 s; cancelled, the turn ends long before (the latency itself is benchmarked, not asserted here).
    await live.waitForType('turn.cancelled', 1, 15_000);
    await live.waitFor((events) => events.at(-1)?.type === 'session.status' && events.at(-1)?.payload?.status === 'IDLE');
    const stored = await client.ok<{ session: { status: string; messages: { edges: { node: { status: string; content: string } }[] } } }>(
      `query($s: ID!) { session(id: $s) { status messages(last: 1) { edges { node { status content } } } } }`,
      { s: sessionId },
    );
    expect(stored.session.status).toBe('IDLE');
    expect(stored.session.messages.edges[0]!.node.status).toBe('CANCELLED');
    expect(stored.session.messages.edges[0]!.node.content).toMatch(/^tok1 tok2 tok3 tok4 tok5/);
    expect(stored.session.messages.edges[0]!.node.content.split(' ').length).toBeLessThan(2000);
    expect((await client.error(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId })).extensions?.code).toBe('NO_TURN_RUNNING');
  });

  it('ends a session mid-turn: the turn is cancelled first, and every status change is one the lifecycle allows', async () => {
    const sessionId = await newSession();
    const live = subscriber().subscribe(sessionId);
    await send(sessionId, '/long 2000 rate=50');
    await live.waitFor((events) => events.filter((e) => e.type === 'message.delta').length >= 3);
    const ended = await client.ok<{ endSession: { status: string; endedAt: string | null } }>(
      `mutation($s: ID!) { endSession(sessionId: $s) { status endedAt } }`,
      { s: sessionId },
    );
    expect(ended.endSession.status).toBe('ENDED');
    expect(ended.endSession.endedAt).not.toBeNull();
    await live.waitFor((events) => events.at(-1)?.type === 'session.status' && events.at(-1)?.payload?.status === 'ENDED');
    const statuses = live.events.filter((e) => e.type === 'session.status').map((e) => e.payload?.status as SessionStatus);
    expect(statuses).toEqual(['IDLE', 'RUNNING', 'PROVISIONING', 'RUNNING', 'IDLE', 'ENDED']);
    for (let i = 1; i < statuses.length; i++) expect(canMoveSession(statuses[i - 1]!, statuses[i]!), `${statuses[i - 1]} -> ${statuses[i]}`).toBe(true);
    expect(types(live.events).slice(-3)).toEqual(['turn.cancelled', 'session.status', 'session.status']);
    const turns = await t.platform.services.db.turn.findMany({ where: { sessionId: decodeGlobalId(sessionId).id } });
    expect(turns.map((turn) => turn.status)).toEqual(['CANCELLED']);
    // Ending it again changes nothing.
    expect(
      (await client.ok<{ endSession: { status: string } }>(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: sessionId })).endSession.status,
    ).toBe('ENDED');
  });

  it('rehydrates a new sandbox from history when the old one is killed', async () => {
    const sessionId = await newSession();
    const live = subscriber().subscribe(sessionId);
    await send(sessionId, 'first');
    await live.waitForType('turn.completed');
    const sandbox = await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: decodeGlobalId(sessionId).id } });
    await worker.worker.sandboxes.driver.destroy(sandbox.name);

    await send(sessionId, 'second');
    await live.waitForType('turn.completed', 2);
    const ids = assistantIds(live.events);
    // The runtime saw the system prompt, the first exchange and the new message: the history survived.
    expect(textOf(live.events, ids[1]!)).toMatch(/^You said: second \(4 messages\)/);
    expect(live.events.filter((e) => e.type === 'session.status').map((e) => e.payload?.status)).toContain('PROVISIONING');
    expectGapless(live.events);
  });

  it('resumes a subscription mid-turn with no gap and no duplicate', async () => {
    const sessionId = await newSession();
    const first = subscriber().subscribe(sessionId);
    await send(sessionId, '/long 300 rate=100');
    await first.waitFor((events) => events.filter((e) => e.type === 'message.delta').length >= 3);
    await first.close();
    // Mid-turn, lastSeq names an event that is really stored, never a reserved seq.
    // lastSeq and events of one request read one snapshot, whichever is resolved first.
    for (const query of [
      `query($s: ID!) { session(id: $s) { lastSeq events(after: 0, first: 1000) { seq } } }`,
      `query($s: ID!) { session(id: $s) { events(after: 0, first: 1000) { seq } lastSeq } }`,
    ]) {
      for (let i = 0; i < 5; i++) {
        const mid = await client.ok<{ session: { lastSeq: number; events: { seq: number }[] } }>(query, { s: sessionId });
        expect(mid.session.lastSeq).toBeGreaterThan(0);
        expect(mid.session.events.at(-1)?.seq).toBe(mid.session.lastSeq);
      }
    }
    const resumeFrom = first.lastSeq;
    const second = subscriber().subscribe(sessionId, resumeFrom);
    await second.waitForType('turn.completed');
    const combined = [...first.events, ...second.events];
    expectGapless(combined);
    const [messageId] = assistantIds(combined);
    expect(textOf(combined, messageId!)).toBe(Array.from({ length: 300 }, (_, i) => `tok${i + 1}`).join(' '));
  });

  it('refuses messages to ended sessions and tears the sandbox down', async () => {
    const sessionId = await newSession();
    const live = subscriber().subscribe(sessionId);
    await send(sessionId, 'hi');
    await live.waitForType('turn.completed');
    await client.ok(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: sessionId });
    expect((await client.error(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "x" }) { id } }`, { s: sessionId })).extensions?.code).toBe(
      'SESSION_ENDED',
    );
    const dbId = decodeGlobalId(sessionId).id;
    for (let i = 0; i < 100; i++) {
      const sandbox = await t.platform.services.db.sandbox.findUnique({ where: { sessionId: dbId } });
      if (sandbox?.phase === 'DELETED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: dbId } })).phase).toBe('DELETED');
    expect(await worker.worker.sandboxes.driver.list()).not.toContain(`ps-${dbId.replaceAll('-', '')}`);
  });
});
