import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/** What a turn leaves behind besides its reply: reasoning, usage of a stopped turn, errors with no reply. */
let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
let agentId: string;
const subscribers: Subscriber[] = [];

type StoredMessage = {
  role: string;
  status: string;
  content: string;
  error: string | null;
  thinking: string | null;
  usage: { inputTokens: number; outputTokens: number };
};
type Stored = { session: { status: string; usage: { inputTokens: number; outputTokens: number }; messages: { edges: { node: StoredMessage }[] } } };

beforeAll(async () => {
  t = await startTestPlatform();
  worker = await startTestWorker(t, { PADDOCK_SANDBOX_IDLE_SECONDS: '600' });
  ({ client, key } = await t.newTeam());
  agentId = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "outcomes", harness: "chat" }) { id } }`)).createAgent.id;
});
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
});

async function startSession(content: string): Promise<{ sessionId: string; live: Subscriber }> {
  const sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
  const live = new Subscriber(t.url, key).subscribe(sessionId);
  subscribers.push(live);
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });
  return { sessionId, live };
}

const stored = (sessionId: string) =>
  client.ok<Stored>(
    `query($s: ID!) { session(id: $s) { status usage { inputTokens outputTokens } messages(first: 20) { edges { node { role status content error thinking usage { inputTokens outputTokens } } } } } }`,
    { s: sessionId },
  );

const idle = (live: Subscriber) => live.waitFor((events) => events.at(-1)?.type === 'session.status' && events.at(-1)?.payload?.status !== 'RUNNING', 60_000);

describe('turn outcomes', () => {
  it("streams the model's visible reasoning as message.thinking and keeps it on the message", async () => {
    const { sessionId, live } = await startSession('/think twice');
    await live.waitForType('turn.completed', 1, 60_000);
    const thinking = live.events.filter((e) => e.type === 'message.thinking');
    expect(thinking.map((e) => e.delta).join('')).toBe('The user wants me to think about: twice');
    const { session } = await stored(sessionId);
    const reply = session.messages.edges.map((e) => e.node).find((m) => m.role === 'ASSISTANT');
    expect(reply).toMatchObject({ content: 'You said: twice', thinking: 'The user wants me to think about: twice' });
    expect(session.messages.edges.find((e) => e.node.role === 'USER')?.node.thinking).toBeNull();
  });

  it('reports the tokens a stopped turn consumed', async () => {
    const { sessionId, live } = await startSession('/tool sleep 60');
    await live.waitForType('tool.call', 1, 60_000);
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: sessionId });
    await live.waitForType('turn.cancelled', 1, 30_000);
    const cancelled = live.events.find((e) => e.type === 'turn.cancelled')!;
    const usage = cancelled.payload?.usage as { inputTokens: number; outputTokens: number };
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    await idle(live);
    const { session } = await stored(sessionId);
    expect(session.usage).toEqual(usage);
  });

  it('keeps the error of a turn that failed before any reply on the message it answered', async () => {
    const { sessionId, live } = await startSession('/fail 400');
    await live.waitForType('turn.failed', 1, 60_000);
    const failed = live.events.find((e) => e.type === 'turn.failed')!;
    expect(failed.messageId).toBeNull();
    const error = failed.payload?.error as string;
    expect(error).toMatch(/fail/i);
    await idle(live);
    const { session } = await stored(sessionId);
    const messages = session.messages.edges.map((e) => e.node);
    expect(messages).toEqual([expect.objectContaining({ role: 'USER', content: '/fail 400', error })]);
  });
});
