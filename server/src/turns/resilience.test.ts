import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { loadConfig } from '../config/index.ts';
import { decodeGlobalId } from '../ids/global-id.ts';
import { createLogger } from '../log/index.ts';
import { startApi } from '../platform/api.ts';
import { openPlatform } from '../platform/open.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { WorkerProcess } from '../../test/faults.ts';
import { Subscriber, textOf } from '../../test/subscriber.ts';
import { startTestWorker } from '../../test/worker.ts';

let t: TestPlatform;
let client: GraphqlClient;
let key: string;
let agentId: string;
let mock: MockLlm;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 200 });
  ({ client, key } = await t.newTeam());
  agentId = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "resilient", harness: "chat" }) { id } }`)).createAgent.id;
});
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await mock?.close();
  await t?.close();
});

async function newSession(): Promise<{ id: string; dbId: string }> {
  const id = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
  return { id, dbId: decodeGlobalId(id).id };
}

async function send(sessionId: string, content: string, via: GraphqlClient = client): Promise<void> {
  await via.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });
}

function subscribe(url: string, sessionId: string, after?: number): Subscriber {
  const s = new Subscriber(url, key).subscribe(sessionId, after);
  cleanup.push(() => s.close());
  return s;
}

const longText = (n: number) => Array.from({ length: n }, (_, i) => `tok${i + 1}`).join(' ');

describe('resilience', () => {
  it('a client resumes on a restarted API process mid-turn with no gap or duplicate', async () => {
    const worker = await startTestWorker(t, {}, { tokensPerSecond: 200 });
    cleanup.push(() => worker.close());
    // A second API process over the same database; the first one goes away mid-turn.
    const config = loadConfig({ PADDOCK_DATA_DIR: t.dataDir, DATABASE_URL: t.platform.databaseUrl, HOST: '127.0.0.1', PORT: '0' });
    const first = await openPlatform(config, createLogger('api-1', 'silent'));
    const firstHttp = await startApi(first);

    const session = await newSession();
    const before = subscribe(firstHttp.url, session.id);
    await send(session.id, '/long 400 rate=100');
    await before.waitFor((events) => events.filter((e) => e.type === 'message.delta').length >= 3);
    await firstHttp.close();
    await first.close();

    const after = subscribe(t.url, session.id, before.lastSeq);
    await after.waitForType('turn.completed');
    const combined = [...before.events, ...after.events];
    expect(combined.map((e) => e.seq)).toEqual(combined.map((_, i) => i + 1));
    const messageId = combined.find((e) => e.type === 'message.delta')!.messageId!;
    expect(textOf(combined, messageId)).toBe(longText(400));
    await worker.close();
  });

  it('a turn whose worker died ends FAILED and the session takes the next message', { timeout: 120_000 }, async () => {
    const session = await newSession();
    const live = subscribe(t.url, session.id);
    const doomed = await WorkerProcess.start({
      DATABASE_URL: t.platform.databaseUrl,
      PADDOCK_DATA_DIR: t.dataDir,
      LITELLM_API_BASE: mock.url,
      LITELLM_API_KEY: 'k',
      // This test is about the worker, not the sandbox: plain-process sandboxes start fastest.
      PADDOCK_SANDBOX_ISOLATION: 'none',
      PADDOCK_LOCAL_WARM_POOL: '0',
    });
    cleanup.push(async () => doomed.kill('SIGKILL'));
    await send(session.id, '/long 5000 rate=50');
    await live.waitFor((events) => events.filter((e) => e.type === 'message.delta').length >= 3, 30_000);
    doomed.kill('SIGKILL');

    // The same gateway as the dead worker, as a restarted worker would have.
    const rescuer = await startTestWorker(t, { PADDOCK_TURN_STALE_SECONDS: '3' }, {}, { gatewayUrl: mock.url });
    cleanup.push(() => rescuer.close());
    await live.waitForType('turn.failed', 1, 20_000);
    const failed = live.events.find((e) => e.type === 'turn.failed')!;
    expect(String(failed.payload?.error)).toMatch(/went silent/);
    expect(failed.payload?.code).toBe('WORKER_LOST');
    await live.waitFor((events) => events.at(-1)?.type === 'session.status' && events.at(-1)?.payload?.status === 'IDLE');
    const partial = await t.platform.services.db.message.findFirstOrThrow({ where: { sessionId: session.dbId, role: 'ASSISTANT' } });
    expect(partial.status).toBe('FAILED');

    await send(session.id, 'are you there?');
    await live.waitForType('turn.completed', 1, 20_000);
    await rescuer.close();
  });

  it('a worker shutting down with no grace period ends its running turns FAILED at once', async () => {
    const worker = await startTestWorker(t, { PADDOCK_SHUTDOWN_GRACE_SECONDS: '0' });
    cleanup.push(() => worker.close());
    const session = await newSession();
    const live = subscribe(t.url, session.id);
    await send(session.id, '/long 5000 rate=50');
    await live.waitFor((events) => events.some((e) => e.type === 'message.delta'));
    const started = Date.now();
    await worker.close();
    // Does not wait for the 100 s reply to finish.
    expect(Date.now() - started).toBeLessThan(20_000);
    await live.waitForType('turn.failed');
    const failed = live.events.find((e) => e.type === 'turn.failed')!;
    expect(failed.payload).toMatchObject({ code: 'WORKER_SHUTDOWN', error: expect.stringMatching(/shut down before this turn finished/) });
    const row = await t.platform.services.db.session.findUniqueOrThrow({ where: { id: session.dbId } });
    expect(row.status).toBe('IDLE');
  });

  it('suspends an idle sandbox and resumes it with the conversation on the next message', async () => {
    const worker = await startTestWorker(t, { PADDOCK_SANDBOX_IDLE_SECONDS: '1' });
    cleanup.push(() => worker.close());
    const session = await newSession();
    const live = subscribe(t.url, session.id);
    await send(session.id, 'remember me');
    await live.waitForType('turn.completed');
    await live.waitFor((events) => events.some((e) => e.type === 'session.status' && e.payload?.status === 'SUSPENDED'), 15_000);
    const sandbox = await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: session.dbId } });
    expect(sandbox.phase).toBe('SUSPENDED');
    expect(await worker.worker.sandboxes.driver.list()).not.toContain(sandbox.name);

    await send(session.id, 'back again');
    await live.waitForType('turn.completed', 2);
    await live.waitFor((events) => events.at(-1)?.type === 'session.status' && events.at(-1)?.payload?.status === 'IDLE');
    const statuses = live.events.filter((e) => e.type === 'session.status').map((e) => e.payload?.status);
    expect(statuses.slice(statuses.indexOf('SUSPENDED'))).toEqual(['SUSPENDED', 'RUNNING', 'PROVISIONING', 'RUNNING', 'IDLE']);
    const second = [...new Set(live.events.filter((e) => e.type === 'message.delta').map((e) => e.messageId))][1]!;
    // No system prompt: the first exchange plus the new message reached the new runtime.
    expect(textOf(live.events, second)).toMatch(/^You said: back again \(3 messages\)/);
    await worker.close();
  });
});
