import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids/index.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { decodeGlobalId } from '../ids/global-id.ts';

let t: TestPlatform;
let client: GraphqlClient;
let agentId: string;

beforeAll(async () => {
  t = await startTestPlatform();
  client = (await t.newTeam()).client;
  agentId = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "helper", harness: "chat" }) { id } }`)).createAgent.id;
});
afterAll(() => t.close());

const CREATE_SESSION = `mutation($input: CreateSessionInput!) { createSession(input: $input) { id title status agent { name } sandbox { phase } usage { totalTokens } lastSeq } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id role content status } }`;

async function createSession(title = 'hello'): Promise<string> {
  return (await client.ok<{ createSession: { id: string } }>(CREATE_SESSION, { input: { agentId, title } })).createSession.id;
}

describe('sessions', () => {
  it('creates a session and stores messages with their events', async () => {
    const created = await client.ok<{ createSession: Record<string, unknown> }>(CREATE_SESSION, { input: { agentId, title: 'First' } });
    expect(created.createSession).toMatchObject({ title: 'First', status: 'IDLE', agent: { name: 'helper' }, sandbox: null, usage: { totalTokens: 0 } });
    const sessionId = created.createSession.id as string;
    const sent = await client.ok<{ sendMessage: { id: string; role: string; content: string } }>(SEND, { input: { sessionId, content: 'Hi there' } });
    expect(sent.sendMessage).toMatchObject({ role: 'USER', content: 'Hi there', status: 'COMPLETE' });

    const data = await client.ok<{ session: { lastSeq: number; events: { seq: number; type: string; messageId: string | null; payload: unknown }[] } }>(
      `query($id: ID!) { session(id: $id) { lastSeq events(after: 0) { seq type messageId payload } } }`,
      { id: sessionId },
    );
    expect(data.session.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'session.status'],
      [2, 'user.message'],
      [3, 'session.status'],
    ]);
    expect(data.session.events[1]!.messageId).toBe(sent.sendMessage.id);
    expect(data.session.events[2]!.payload).toEqual({ status: 'RUNNING' });
    expect(data.session.lastSeq).toBe(3);
    const queued = await t.platform.services.db.turn.findMany({ where: { sessionId: decodeGlobalId(sessionId).id } });
    expect(queued.map((turn) => turn.status)).toEqual(['QUEUED']);

    const second = await client.error(SEND, { input: { sessionId, content: 'and another thing' } });
    expect(second.extensions?.code).toBe('TURN_RUNNING');
    expect(second.message).toMatch(/still answering the previous message/);
  });

  it('rejects empty, oversized and ended-session messages without storing anything', async () => {
    const sessionId = await createSession();
    const empty = await client.error(SEND, { input: { sessionId, content: '   ' } });
    expect([empty.extensions?.code, empty.message]).toEqual(['BAD_USER_INPUT', 'content must not be empty.']);
    const big = await client.error(SEND, { input: { sessionId, content: 'x'.repeat(100_001) } });
    expect(big.message).toMatch(/at most 100000 characters/);
    await client.ok(`mutation($id: ID!) { endSession(sessionId: $id) { status endedAt } }`, { id: sessionId });
    const ended = await client.error(SEND, { input: { sessionId, content: 'anyone?' } });
    expect(ended.extensions?.code).toBe('SESSION_ENDED');
    expect(ended.message).toMatch(/start a new session/);
    expect(await t.platform.services.db.message.count({ where: { sessionId: decodeGlobalId(sessionId).id } })).toBe(0);
  });

  it('takes exactly one of several messages sent at once; the others are TURN_RUNNING and store nothing', async () => {
    const sessionId = await createSession('race');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.request<{ sendMessage: { id: string } | null }>(SEND, { input: { sessionId, content: `message ${i}` } })),
    );
    const codes = results.map((r) => (r.errors?.[0]?.extensions as { code?: string } | undefined)?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', 'TURN_RUNNING', 'TURN_RUNNING', 'TURN_RUNNING', 'TURN_RUNNING', 'TURN_RUNNING']);
    const dbId = decodeGlobalId(sessionId).id;
    const { db } = t.platform.services;
    expect(await db.message.count({ where: { sessionId: dbId } })).toBe(1);
    expect(await db.turn.count({ where: { sessionId: dbId } })).toBe(1);
    const statuses = (await db.sessionEvent.findMany({ where: { sessionId: dbId, type: 'session.status' }, orderBy: { seq: 'asc' } })).map((e) => e.payload);
    expect(statuses).toEqual([{ status: 'IDLE' }, { status: 'RUNNING' }]);
  });

  it('answers TURN_STOPPING when a turn does not stop in time for endSession, and ends nothing', async () => {
    // No worker runs here: the queued turn never stops.
    const sessionId = await createSession('stuck');
    await client.ok(SEND, { input: { sessionId, content: 'hello?' } });
    const refused = await client.error(`mutation($id: ID!) { endSession(sessionId: $id) { status } }`, { id: sessionId });
    expect(refused.extensions?.code).toBe('TURN_STOPPING');
    const dbId = decodeGlobalId(sessionId).id;
    const { db } = t.platform.services;
    expect((await db.session.findUniqueOrThrow({ where: { id: dbId } })).status).toBe('RUNNING');
    expect((await db.turn.findFirstOrThrow({ where: { sessionId: dbId } })).cancelRequestedAt).not.toBeNull();
  });

  it('pages messages oldest first in both directions, deep in the history', async () => {
    const sessionId = await createSession('long');
    const dbId = decodeGlobalId(sessionId).id;
    const base = Date.now() - 1_000_000;
    await t.platform.services.db.message.createMany({
      data: Array.from({ length: 250 }, (_, i) => ({
        id: newId(base + i),
        sessionId: dbId,
        role: i % 2 ? ('ASSISTANT' as const) : ('USER' as const),
        content: `m${i}`,
      })),
    });
    const Q = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { session(id: $id) {
      messages(first: $first, after: $after, last: $last, before: $before) { edges { node { content } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    type R = {
      session: {
        messages: {
          edges: { node: { content: string } }[];
          pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
        };
      };
    };
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page: R = await client.ok<R>(Q, { id: sessionId, first: 100, after });
      seen.push(...page.session.messages.edges.map((e) => e.node.content));
      if (!page.session.messages.pageInfo.hasNextPage) break;
      after = page.session.messages.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `m${i}`));

    const tail = await client.ok<R>(Q, { id: sessionId, last: 5 });
    expect(tail.session.messages.edges.map((e) => e.node.content)).toEqual(['m245', 'm246', 'm247', 'm248', 'm249']);
    const before = await client.ok<R>(Q, { id: sessionId, last: 3, before: tail.session.messages.pageInfo.startCursor });
    expect(before.session.messages.edges.map((e) => e.node.content)).toEqual(['m242', 'm243', 'm244']);
    expect(before.session.messages.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('lists sessions with agent, status and time filters', async () => {
    const { client: team } = await t.newTeam();
    const a = (await team.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "a", harness: "chat" }) { id } }`)).createAgent.id;
    const b = (await team.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "b", harness: "chat" }) { id } }`)).createAgent.id;
    const mk = async (agent: string, title: string) =>
      (await team.ok<{ createSession: { id: string } }>(CREATE_SESSION, { input: { agentId: agent, title } })).createSession.id;
    await mk(a, 'a1');
    const a2 = await mk(a, 'a2');
    const middle = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await mk(b, 'b1');
    await team.ok(`mutation($id: ID!) { endSession(sessionId: $id) { id } }`, { id: a2 });

    const Q = `query($filter: SessionFilter) { sessions(first: 50, filter: $filter) { edges { node { title status } } } }`;
    const titles = async (filter: Record<string, unknown>) =>
      (await team.ok<{ sessions: { edges: { node: { title: string } }[] } }>(Q, { filter })).sessions.edges.map((e) => e.node.title);
    expect(await titles({})).toEqual(['b1', 'a2', 'a1']);
    expect(await titles({ agentId: a })).toEqual(['a2', 'a1']);
    expect(await titles({ status: 'ENDED' })).toEqual(['a2']);
    expect(await titles({ createdAfter: middle.toISOString() })).toEqual(['b1']);
    expect(await titles({ createdBefore: middle.toISOString() })).toEqual(['a2', 'a1']);
    // Any UTC offset is accepted; a date without a time, or words, are refused naming the field.
    const plusTwo = new Date(middle.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await titles({ createdAfter: plusTwo })).toEqual(['b1']);
    for (const createdAfter of ['yesterday', '2026-01-31', 42]) {
      const error = await team.error(Q, { filter: { createdAfter } });
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/createdAfter.*DateTime/);
    }
    expect((await team.error(Q, { filter: { createdAfter: middle.toISOString(), createdBefore: middle.toISOString() } })).message).toMatch(/earlier than/);

    const agentSessions = await team.ok<{ agent: { sessions: { edges: { node: { title: string } }[] } } }>(
      `query($id: ID!) { agent(id: $id) { sessions(first: 10) { edges { node { title } } } } }`,
      { id: b },
    );
    expect(agentSessions.agent.sessions.edges.map((e) => e.node.title)).toEqual(['b1']);
  });

  it('rejects a title that is too long and an agent id of the wrong type', async () => {
    expect((await client.error(CREATE_SESSION, { input: { agentId, title: 't'.repeat(201) } })).message).toMatch(/title must be at most 200/);
    const sessionId = await createSession();
    const wrong = await client.error(CREATE_SESSION, { input: { agentId: sessionId } });
    expect(wrong.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
