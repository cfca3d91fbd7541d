import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../auth/viewer.ts';
import { loadConfig } from '../../config/index.ts';
import { PrivateAllowList } from '../../egress/rules.ts';
import { appendEvents } from '../../events/log.ts';
import { decodeGlobalId, encodeGlobalId } from '../../ids/global-id.ts';
import { newId } from '../../ids/index.ts';
import { createLogger } from '../../log/index.ts';
import type { GraphqlClient } from '../../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/platform.ts';
import { eventually, WebhookReceiver } from '../../../test/webhook-receiver.ts';
import { startTestWorker, type TestWorker } from '../../../test/worker.ts';
import { RunStarter } from '../runs.ts';
import { ScheduleService } from '../schedules/service.ts';
import { DISABLE_AFTER_FAILURES, WebhookService, type WebhookDisabled } from './service.ts';

const log = createLogger('webhooks-test', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent');
// Loopback receivers are allowed here the way an operator would allow a private range; fast retries.
const ENV = {
  PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1',
  PADDOCK_WEBHOOK_RETRY_SECONDS: '1,2,2',
  PADDOCK_WEBHOOK_TIMEOUT_SECONDS: '2',
  PADDOCK_KEY_REQUESTS_PER_SECOND: '10000',
};

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let teamId: string;
let agentId: string;
const receivers: WebhookReceiver[] = [];

async function receiver(): Promise<WebhookReceiver> {
  const r = await new WebhookReceiver().start();
  receivers.push(r);
  return r;
}

beforeAll(async () => {
  t = await startTestPlatform(ENV);
  worker = await startTestWorker(t, ENV);
  const team = await t.newTeam();
  client = team.client;
  teamId = decodeGlobalId(team.teamId).id;
  agentId = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "hooked", harness: "chat" }) { id } }`)).createAgent.id;
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await worker?.close();
  await t?.close();
});

async function createWebhook(url: string, events: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const res = await client.ok<{ createWebhook: { webhook: { id: string }; secret: string } }>(
    'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } secret } }',
    { input: { url, events, ...extra } },
  );
  return { id: res.createWebhook.webhook.id, secret: res.createWebhook.secret };
}

async function runTurn(): Promise<string> {
  const session = (await client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: agentId }))
    .createSession.id;
  await client.ok('mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hello" }) { id } }', { s: session });
  return session;
}

type Delivery = {
  id: string;
  eventType: string;
  status: string;
  attempt: number;
  statusCode: number | null;
  nextRetryAt: string | null;
  payload: { data: Record<string, unknown> };
  responseBody: string | null;
  attempts: { attempt: number; statusCode: number | null; error: string | null; createdAt: string }[];
};
async function deliveries(webhookId: string): Promise<Delivery[]> {
  const res = await client.ok<{ webhook: { deliveries: { edges: { node: Delivery }[] } } }>(
    `query($id: ID!) { webhook(id: $id) { deliveries(first: 100) { edges { node { id eventType status attempt statusCode nextRetryAt payload responseBody attempts { attempt statusCode error createdAt } } } } } }`,
    { id: webhookId },
  );
  return res.webhook.deliveries.edges.map((e) => e.node);
}

describe('delivery', () => {
  it('signs deliveries per Standard Webhooks, retries a failing receiver within seconds, and logs every attempt', async () => {
    const r = await receiver();
    const hook = await createWebhook(r.url, ['turn.completed']);
    expect(hook.secret).toMatch(/^whsec_/);
    r.secret = hook.secret;
    r.plan = [503];
    const session = await runTurn();

    const done = await eventually(async () => (await deliveries(hook.id)).find((d) => d.status === 'SUCCEEDED'), 'the retried delivery');
    expect(done).toMatchObject({ eventType: 'turn.completed', attempt: 2, statusCode: 200, nextRetryAt: null, responseBody: 'thanks' });
    expect(done.attempts.map((a) => a.statusCode)).toEqual([503, 200]);
    expect(done.payload.data.sessionId).toBe(session);
    // Both attempts reached the receiver, verified, with one webhook-id.
    expect(r.received).toHaveLength(2);
    expect(r.received.every((x) => x.verified)).toBe(true);
    expect(new Set(r.received.map((x) => x.id))).toEqual(new Set([`msg_${decodeGlobalId(done.id).id}`]));
    expect(r.received[0]!.payload).toMatchObject({ type: 'turn.completed', data: { sessionId: session, agentId } });
    // A tampered body does not verify with the same headers.
    const { Webhook } = await import('standardwebhooks');
    expect(() =>
      new Webhook(hook.secret).verify(r.received[0]!.body.replace('turn.completed', 'turn.failed'), r.received[0]!.headers as Record<string, string>),
    ).toThrow();
  });

  it('redelivers on request with the same webhook-id', async () => {
    const r = await receiver();
    const hook = await createWebhook(r.url, ['turn.completed']);
    r.secret = hook.secret;
    await runTurn();
    const first = await eventually(async () => (await deliveries(hook.id)).find((d) => d.status === 'SUCCEEDED'), 'the delivery');
    await client.ok('mutation($id: ID!) { redeliver(id: $id) { id status } }', { id: first.id });
    const again = await eventually(async () => (await deliveries(hook.id)).find((d) => d.attempt === 2 && d.status === 'SUCCEEDED'), 'the redelivery');
    expect(again.id).toBe(first.id);
    expect(r.received.map((x) => x.id)).toEqual([r.received[0]!.id, r.received[0]!.id]);
  });

  it('gives up at once on a 4xx answer, and after the last retry on timeouts', async () => {
    const gone = await receiver();
    const hung = await receiver();
    const goneHook = await createWebhook(gone.url, ['turn.completed']);
    const hungHook = await createWebhook(hung.url, ['turn.completed']);
    gone.secret = goneHook.secret;
    hung.secret = hungHook.secret;
    gone.plan = [410];
    hung.plan = [0, 0, 0, 0];
    await runTurn();
    const refused = await eventually(async () => (await deliveries(goneHook.id)).find((d) => d.status === 'FAILED'), 'the refused delivery');
    expect(refused).toMatchObject({ attempt: 1, statusCode: 410, nextRetryAt: null });
    const timedOut = await eventually(async () => (await deliveries(hungHook.id)).find((d) => d.status === 'FAILED'), 'the timed-out delivery');
    // The first attempt and one per configured retry (1, 2, 2 s).
    expect(timedOut.attempts.map((a) => a.error)).toEqual(Array.from({ length: 4 }, () => expect.stringMatching(/no answer within 2000 ms/)));
  });

  it('delivers only the event types and the agent a webhook is for', async () => {
    const r = await receiver();
    const other = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "other-agent", harness: "chat" }) { id } }`))
      .createAgent.id;
    const hook = await createWebhook(r.url, ['session.status'], { agentId: other });
    r.secret = hook.secret;
    await runTurn(); // the other agent's session
    const session = (await client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: other }))
      .createSession.id;
    const status = await eventually(async () => {
      const found = await deliveries(hook.id);
      return found.length > 0 && found.every((d) => d.status === 'SUCCEEDED') ? found : undefined;
    }, 'the session.status delivery');
    expect(status.map((d) => [d.eventType, d.payload.data.sessionId])).toEqual([['session.status', session]]);
  });

  it('sends egress.blocked from the session log and schedule.run.missed from a schedule', async () => {
    const r = await receiver();
    const hook = await createWebhook(r.url, ['egress.blocked', 'schedule.run.missed']);
    r.secret = hook.secret;
    const session = (await client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: agentId }))
      .createSession.id;
    await t.platform.services.db.$transaction((tx) =>
      appendEvents(tx, decodeGlobalId(session).id, [{ type: 'egress.blocked', payload: { host: 'evil.example', port: 443, reason: 'not allowed' } }]),
    );

    // Far enough ahead that the running worker's own scheduler does not find it due.
    let now = new Date('2030-09-01T10:00:00Z');
    const schedules = new ScheduleService({
      db: t.platform.services.db,
      starter: new RunStarter(t.platform.services.db, t.platform.services.sessions),
      log,
      missedAfterMs: 60_000,
      now: () => now,
    });
    const viewer: Viewer = { keyId: 'test', keyName: 'test', teamId, role: 'MEMBER' };
    const schedule = await schedules.create(viewer, { agentId: decodeGlobalId(agentId).id, name: 'hourly', cron: '0 * * * *', prompt: 'Go.', enabled: true });
    now = new Date('2030-09-01T13:30:00Z');
    await schedules.fireDue();
    expect(await t.platform.services.db.scheduleRun.count({ where: { scheduleId: schedule.id, outcome: 'MISSED' } })).toBe(3);

    const all = await eventually(async () => {
      const found = await deliveries(hook.id);
      return found.length === 4 && found.every((d) => d.status === 'SUCCEEDED') ? found : undefined;
    }, 'four deliveries');
    expect(all.map((d) => d.eventType).sort()).toEqual(['egress.blocked', 'schedule.run.missed', 'schedule.run.missed', 'schedule.run.missed']);
    expect(all.find((d) => d.eventType === 'egress.blocked')!.payload.data).toMatchObject({ sessionId: session, payload: { host: 'evil.example' } });
    expect(
      all
        .filter((d) => d.eventType === 'schedule.run.missed')
        .map((d) => d.payload.data.scheduledAt)
        .sort(),
    ).toEqual(['2030-09-01T11:00:00.000Z', '2030-09-01T12:00:00.000Z', '2030-09-01T13:00:00.000Z']);
    expect(r.received.every((x) => x.verified)).toBe(true);
  });
});

describe('automatic disabling', () => {
  it(`disables a webhook after ${DISABLE_AFTER_FAILURES} consecutive failed attempts, once, and tells the audit hook`, async () => {
    const r = await receiver();
    r.plan = Array.from({ length: 200 }, () => 500);
    const disabled: WebhookDisabled[] = [];
    const service = new WebhookService({
      db: t.platform.services.db,
      secrets: t.platform.services.secrets,
      log,
      privateAllow: PrivateAllowList.parse('127.0.0.1'),
      timeoutMs: 5_000,
      retryDelaysMs: [],
      onDisabled: async (event) => {
        disabled.push(event);
        await t.platform.services.audit.webhookDisabled(event.webhook, event.reason);
      },
    });
    const viewer: Viewer = { keyId: 'test', keyName: 'test', teamId, role: 'MEMBER' };
    // For an agent nothing else in this file runs, so only the deliveries below reach it.
    const quiet = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "quiet", harness: "chat" }) { id } }`)).createAgent
      .id;
    const { webhook, secret } = await service.create(viewer, { url: r.url, events: ['turn.completed'], agentId: decodeGlobalId(quiet).id });
    r.secret = secret;
    const deliver = async () => {
      const id = newId();
      await t.platform.services.db.webhookDelivery.create({
        data: { id, webhookId: webhook.id, eventKey: `test:${id}`, eventType: 'turn.completed', payload: { type: 'turn.completed', data: {} } },
      });
      return service.deliver(id);
    };
    for (let i = 1; i < DISABLE_AFTER_FAILURES; i++) await deliver();
    expect(await t.platform.services.db.webhook.findUniqueOrThrow({ where: { id: webhook.id } })).toMatchObject({
      enabled: true,
      consecutiveFailures: DISABLE_AFTER_FAILURES - 1,
    });
    await deliver();
    const row = await t.platform.services.db.webhook.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(row).toMatchObject({ enabled: false, consecutiveFailures: DISABLE_AFTER_FAILURES });
    expect(row.disabledReason).toMatch(/50 consecutive failed delivery attempts/);
    expect(disabled.map((d) => d.webhook.id)).toEqual([webhook.id]);
    const entries = await t.platform.services.db.auditEvent.findMany({ where: { action: 'webhook.disable', targetId: encodeGlobalId('Webhook', webhook.id) } });
    expect(entries).toMatchObject([{ outcome: 'SUCCESS', actorKeyId: null, teamId, detail: { reason: row.disabledReason } }]);
    // Nothing more is sent; enabling it again starts the count afresh.
    expect(await deliver()).toMatchObject({ status: 'FAILED', lastError: 'The webhook is disabled.' });
    expect(r.received).toHaveLength(DISABLE_AFTER_FAILURES);
    const enabled = await service.update(viewer, webhook.id, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
  });
});

describe('destinations, attacked through the public API', () => {
  let strict: TestPlatform;
  let member: GraphqlClient;
  beforeAll(async () => {
    strict = await startTestPlatform();
    ({ client: member } = await strict.newTeam());
  });
  afterAll(() => strict?.close());

  it.each([
    ['http://127.0.0.1:8080/hook', /loopback address \(127\.0\.0\.1\)/],
    ['http://169.254.169.254/latest/meta-data/', /metadata address/],
    ['http://localhost:8080/hook', /localhost resolves to a loopback address/],
    ['http://[::1]/hook', /loopback/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://10.1.2.3/hook', /private address/],
    ['http://0x7f000001/hook', /loopback/],
    ['https://user:pass@example.com/hook', /must not contain credentials/],
    ['ftp://example.com/hook', /http:\/\/ or https:\/\//],
    ['not a url', /is not a URL/],
  ])('refuses %s', async (url, message) => {
    const error = await member.error('mutation($u: String!) { createWebhook(input: { url: $u, events: ["turn.completed"] }) { secret } }', { u: url });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(error.message).toMatch(message);
  });

  it('refuses unknown event types', async () => {
    const error = await member.error('mutation { createWebhook(input: { url: "https://example.com/h", events: ["turn.exploded"] }) { secret } }');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    expect(error.message).toMatch(/turn.completed, turn.failed, session.status, schedule.run.missed, egress.blocked/);
  });

  it('checks the name again at delivery and connects only to the address it checked, so a rebound name reaches nothing', async () => {
    const r = await receiver();
    let answer = ['93.184.216.34'];
    const service = new WebhookService({
      db: strict.platform.services.db,
      secrets: strict.platform.services.secrets,
      log,
      privateAllow: strict.config.egress.privateAllow,
      timeoutMs: 2_000,
      retryDelaysMs: [],
      resolve: async () => answer,
    });
    const team = decodeGlobalId((await strict.newTeam()).teamId).id;
    const port = new URL(r.url).port;
    const { webhook } = await service.create(
      { keyId: 'x', keyName: 'x', teamId: team, role: 'MEMBER' },
      { url: `http://hooks.example.com:${port}/in`, events: ['turn.completed'] },
    );
    answer = ['127.0.0.1'];
    const id = newId();
    await strict.platform.services.db.webhookDelivery.create({
      data: { id, webhookId: webhook.id, eventKey: `test:${id}`, eventType: 'turn.completed', payload: {} },
    });
    const result = await service.deliver(id);
    expect(result).toMatchObject({ status: 'FAILED', lastStatusCode: null });
    expect(result!.lastError).toMatch(/resolves to a loopback address \(127\.0\.0\.1\)/);
    expect(r.received).toHaveLength(0);
  });
});

describe('retry settings', () => {
  it('retry first within 10 seconds and for about a day by default', () => {
    const delays = loadConfig({}).automations.webhookRetryDelaysMs;
    expect(delays[0]).toBeLessThanOrEqual(10_000);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * 3600_000);
    expect(total).toBeLessThanOrEqual(24 * 3600_000);
    expect([...delays].sort((a, b) => a - b)).toEqual(delays);
  });
});
