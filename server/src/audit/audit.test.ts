import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../graphql/schema.ts';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { pauseOnApproval } from '../../test/approvals.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { decodeGlobalId, encodeGlobalId } from '../ids/global-id.ts';
import { mutationAction } from './schema.ts';

type Entry = {
  id: string;
  action: string;
  actorKeyId: string | null;
  actorRole: string | null;
  teamId: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  targetId: string | null;
  outcome: string;
  detail: unknown;
};
const ENTRIES = `query($f: AuditEventFilter, $first: Int, $after: String) { auditEvents(first: $first, after: $after, filter: $f) {
  edges { node { id action actorKeyId actorRole teamId clientAddress userAgent targetId outcome detail createdAt } }
  pageInfo { hasNextPage endCursor } } }`;

let t: TestPlatform;
let admin: GraphqlClient;
let member: GraphqlClient;
let teamId: string;

beforeAll(async () => {
  // Webhooks to loopback are saved (never delivered: no worker runs here).
  t = await startTestPlatform({ PADDOCK_KEY_REQUESTS_PER_SECOND: '100000', PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1' });
  const team = await t.newTeam('audited');
  member = team.client;
  teamId = team.teamId;
  const key = await t.admin.ok<{ createApiKey: { key: string } }>(
    `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "team-admin", role: ADMIN }) { key } }`,
    { t: teamId },
  );
  admin = new GraphqlClient(t.url, key.createApiKey.key);
});
afterAll(() => t?.close());

async function entries(client: GraphqlClient, filter: Record<string, unknown> = {}, first = 100): Promise<Entry[]> {
  return (await client.ok<{ auditEvents: { edges: { node: Entry }[] } }>(ENTRIES, { f: filter, first })).auditEvents.edges.map((e) => e.node);
}

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 9)}`;
const agent = async () =>
  (await member.ok<{ createAgent: { id: string } }>(`mutation($n: String!) { createAgent(input: { name: $n, harness: "chat" }) { id } }`, { n: unique('a') }))
    .createAgent.id;
const schedule = async () =>
  (
    await member.ok<{ createSchedule: { id: string } }>(
      `mutation($a: ID!, $n: String!) { createSchedule(input: { agentId: $a, name: $n, cron: "0 9 * * *", timezone: "UTC", prompt: "report" }) { id } }`,
      {
        a: await agent(),
        n: unique('s'),
      },
    )
  ).createSchedule.id;
const trigger = async () =>
  (
    await member.ok<{ createTrigger: { trigger: { id: string } } }>(
      `mutation($a: ID!, $n: String!) { createTrigger(input: { agentId: $a, name: $n, kind: HTTP, prompt: "triage" }) { trigger { id } } }`,
      {
        a: await agent(),
        n: unique('tr'),
      },
    )
  ).createTrigger.trigger.id;
const webhook = async () =>
  (
    await member.ok<{ createWebhook: { webhook: { id: string } } }>(
      `mutation { createWebhook(input: { url: "http://127.0.0.1:9/hook", events: ["turn.completed"] }) { webhook { id } } }`,
    )
  ).createWebhook.webhook.id;
const session = async () =>
  (await member.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: await agent() })).createSession
    .id;
const awaitingApproval = async () => {
  const s = await session();
  await pauseOnApproval(t.platform.services, decodeGlobalId(s).id);
  return s;
};

/** One successful call of each mutation, by a key allowed to make it; `target` is the id the entry should name. */
const CALLS: Record<
  string,
  () => Promise<{ client: GraphqlClient; query: string; vars: Record<string, unknown>; target: (data: Record<string, unknown>) => unknown }>
> = {
  createAgent: async () => ({
    client: member,
    query: `mutation($n: String!) { createAgent(input: { name: $n, harness: "chat", env: [{ name: "TOKEN", value: "s3cret-value" }] }) { id } }`,
    vars: { n: unique('c') },
    target: (d) => (d.createAgent as { id: string }).id,
  }),
  updateAgent: async () => {
    const id = await agent();
    return { client: member, query: `mutation($id: ID!) { updateAgent(id: $id, input: { description: "changed" }) { id } }`, vars: { id }, target: () => id };
  },
  deleteAgent: async () => {
    const id = await agent();
    return { client: member, query: `mutation($id: ID!) { deleteAgent(id: $id) { deletedId } }`, vars: { id }, target: () => id };
  },
  createSession: async () => {
    const a = await agent();
    return {
      client: member,
      query: `mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`,
      vars: { a },
      target: (d) => (d.createSession as { id: string }).id,
    };
  },
  sendMessage: async () => {
    const s = await session();
    return {
      client: member,
      query: `mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hello" }) { id } }`,
      vars: { s },
      target: (d) => (d.sendMessage as { id: string }).id,
    };
  },
  cancelTurn: async () => {
    const s = await session();
    await member.ok(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hello" }) { id } }`, { s });
    return { client: member, query: `mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, vars: { s }, target: () => s };
  },
  endSession: async () => {
    const s = await session();
    return { client: member, query: `mutation($s: ID!) { endSession(sessionId: $s) { id } }`, vars: { s }, target: () => s };
  },
  approveToolCall: async () => {
    const s = await awaitingApproval();
    return { client: member, query: `mutation($s: ID!) { approveToolCall(sessionId: $s, toolCallId: "call_1") { status } }`, vars: { s }, target: () => s };
  },
  denyToolCall: async () => {
    const s = await awaitingApproval();
    return {
      client: member,
      query: `mutation($s: ID!) { denyToolCall(sessionId: $s, toolCallId: "call_1", reason: "not now") { status } }`,
      vars: { s },
      target: () => s,
    };
  },
  // Nothing listens on port 9: the probe reports the failure in its result.
  testMcpServer: async () => {
    const a = await agent();
    return {
      client: member,
      query: `mutation($a: ID!) { testMcpServer(agentId: $a, input: { name: "docs", url: "http://127.0.0.1:9/mcp" }) { ok } }`,
      vars: { a },
      target: () => a,
    };
  },
  createTeam: async () => ({
    client: t.admin,
    query: `mutation($n: String!) { createTeam(input: { name: $n }) { id } }`,
    vars: { n: unique('t') },
    target: (d) => (d.createTeam as { id: string }).id,
  }),
  // The entry names the key even though the caller only asked for the plaintext.
  createApiKey: async () => ({
    client: admin,
    query: `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "new", role: MEMBER }) { key apiKey { id } } }`,
    vars: { t: teamId },
    target: (d) => (d.createApiKey as { apiKey: { id: string } }).apiKey.id,
  }),
  createSchedule: async () => {
    const a = await agent();
    return {
      client: member,
      query: `mutation($a: ID!, $n: String!) { createSchedule(input: { agentId: $a, name: $n, cron: "0 9 * * *", timezone: "UTC", prompt: "report" }) { id } }`,
      vars: { a, n: unique('s') },
      target: (d) => (d.createSchedule as { id: string }).id,
    };
  },
  updateSchedule: async () => {
    const id = await schedule();
    return { client: member, query: `mutation($id: ID!) { updateSchedule(id: $id, input: { prompt: "changed" }) { id } }`, vars: { id }, target: () => id };
  },
  deleteSchedule: async () => {
    const id = await schedule();
    return { client: member, query: `mutation($id: ID!) { deleteSchedule(id: $id) { deletedId } }`, vars: { id }, target: () => id };
  },
  createTrigger: async () => {
    const a = await agent();
    return {
      client: member,
      query: `mutation($a: ID!, $n: String!) { createTrigger(input: { agentId: $a, name: $n, kind: HTTP, prompt: "triage" }) { trigger { id } } }`,
      vars: { a, n: unique('tr') },
      target: (d) => (d.createTrigger as { trigger: { id: string } }).trigger.id,
    };
  },
  updateTrigger: async () => {
    const id = await trigger();
    return { client: member, query: `mutation($id: ID!) { updateTrigger(id: $id, input: { prompt: "changed" }) { id } }`, vars: { id }, target: () => id };
  },
  rotateTriggerSecret: async () => {
    const id = await trigger();
    return { client: member, query: `mutation($id: ID!) { rotateTriggerSecret(id: $id) { trigger { id } } }`, vars: { id }, target: () => id };
  },
  deleteTrigger: async () => {
    const id = await trigger();
    return { client: member, query: `mutation($id: ID!) { deleteTrigger(id: $id) { deletedId } }`, vars: { id }, target: () => id };
  },
  createWebhook: async () => ({
    client: member,
    query: `mutation { createWebhook(input: { url: "http://127.0.0.1:9/hook", events: ["turn.completed"] }) { webhook { id } } }`,
    vars: {},
    target: (d) => (d.createWebhook as { webhook: { id: string } }).webhook.id,
  }),
  updateWebhook: async () => {
    const id = await webhook();
    return { client: member, query: `mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: false }) { id } }`, vars: { id }, target: () => id };
  },
  deleteWebhook: async () => {
    const id = await webhook();
    return { client: member, query: `mutation($id: ID!) { deleteWebhook(id: $id) { deletedId } }`, vars: { id }, target: () => id };
  },
  redeliver: async () => {
    // A delivery as the fan-out job would have recorded it.
    const delivery = await t.platform.services.db.webhookDelivery.create({
      data: {
        id: crypto.randomUUID(),
        webhookId: decodeGlobalId(await webhook()).id,
        eventKey: unique('event'),
        eventType: 'turn.completed',
        payload: {},
        status: 'FAILED',
      },
    });
    const id = encodeGlobalId('WebhookDelivery', delivery.id);
    return { client: member, query: `mutation($id: ID!) { redeliver(id: $id) { id } }`, vars: { id }, target: () => id };
  },
  setRetention: async () => ({
    client: admin,
    query: 'mutation { setRetention(input: { compactDeltasAfterDays: 90 }) { compactDeltasAfterDays } }',
    vars: {},
    target: () => null,
  }),
  revokeApiKey: async () => {
    const created = await admin.ok<{ createApiKey: { apiKey: { id: string } } }>(
      `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "spare", role: MEMBER }) { apiKey { id } } }`,
      { t: teamId },
    );
    const id = created.createApiKey.apiKey.id;
    return { client: admin, query: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, vars: { id }, target: () => id };
  },
};

describe('audit log of mutations', () => {
  const fields = Object.keys(schema.getMutationType()!.getFields()).sort();

  it('has a call for every mutation of the schema, so a new mutation must be covered here', () => {
    expect(Object.keys(CALLS).sort()).toEqual(fields);
  });

  it.each(fields)('%s leaves exactly one entry naming its target and actor', async (field) => {
    const action = mutationAction(field);
    const call = await CALLS[field]!();
    const before = await entries(t.admin, { action });
    const data = await call.client.ok<Record<string, unknown>>(call.query, call.vars);
    const after = await entries(t.admin, { action });
    expect(after.length - before.length).toBe(1);
    const entry = after[0]!;
    expect(entry).toMatchObject({ action, outcome: 'SUCCESS', targetId: call.target(data), clientAddress: expect.stringMatching(/127\.0\.0\.1/) });
    expect(entry.actorKeyId).not.toBeNull();
    expect(entry.actorRole).toMatch(/OPERATOR|ADMIN|MEMBER/);
  });

  it('records refusals as DENIED and mistakes as FAILURE, once each', async () => {
    const viewerKey = await admin.ok<{ createApiKey: { key: string } }>(
      `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "reader", role: VIEWER }) { key } }`,
      { t: teamId },
    );
    const viewer = new GraphqlClient(t.url, viewerKey.createApiKey.key);
    const before = await entries(t.admin, { action: 'agent.create' });
    expect((await viewer.error('mutation { createAgent(input: { name: "nope", harness: "chat" }) { id } }')).extensions?.code).toBe('FORBIDDEN');
    expect((await member.error('mutation { createAgent(input: { name: "Not A Label", harness: "chat" }) { id } }')).extensions?.code).toBe('BAD_USER_INPUT');
    const after = await entries(t.admin, { action: 'agent.create' });
    expect(after.slice(0, after.length - before.length).map((e) => [e.outcome, (e.detail as { error: string }).error])).toEqual([
      ['FAILURE', 'BAD_USER_INPUT'],
      ['DENIED', 'FORBIDDEN'],
    ]);
  });

  it('names the tool call a person approved or denied, never the reason', async () => {
    const s = await awaitingApproval();
    await member.ok(`mutation($s: ID!) { denyToolCall(sessionId: $s, toolCallId: "call_1", reason: "reason-never-logged") { status } }`, { s });
    const [entry] = await entries(admin, { action: 'toolcall.deny', targetId: s });
    expect(entry?.detail).toEqual({ toolCallId: 'call_1' });
    const again = await member.error(`mutation($s: ID!) { approveToolCall(sessionId: $s, toolCallId: "call_1") { status } }`, { s });
    expect(again.extensions?.code).toBe('CONFLICT');
    const [refused] = await entries(admin, { action: 'toolcall.approve', targetId: s });
    expect(refused).toMatchObject({ outcome: 'FAILURE', detail: { toolCallId: 'call_1', error: 'CONFLICT' } });
    expect(JSON.stringify(await entries(t.admin, {}, 100))).not.toContain('reason-never-logged');
  });

  it('records secret names set and removed, never their values', async () => {
    const id = (
      await member.ok<{ createAgent: { id: string } }>(
        `mutation($n: String!) { createAgent(input: { name: $n, harness: "chat", env: [{ name: "API_TOKEN", value: "value-never-logged" }] }) { id } }`,
        { n: unique('s') },
      )
    ).createAgent.id;
    await member.ok(`mutation($id: ID!) { updateAgent(id: $id, input: { removeEnv: ["API_TOKEN"] }) { id } }`, { id });
    const set = await entries(admin, { action: 'secret.set', targetId: id });
    const removed = await entries(admin, { action: 'secret.remove', targetId: id });
    expect(set.map((e) => e.detail)).toEqual([{ names: ['API_TOKEN'] }]);
    expect(removed.map((e) => e.detail)).toEqual([{ names: ['API_TOKEN'] }]);
    const everything = JSON.stringify(await entries(t.admin, {}, 100));
    expect(everything).not.toContain('value-never-logged');
  });
});

describe('audit log of authentication', () => {
  it("records a wrong key as auth.failure with the client, and a key's use once per interval", async () => {
    const before = await entries(t.admin, { action: 'auth.failure' });
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer pdk_wrong_key_that_never_existed_0000', 'user-agent': 'audit-probe/1.0' },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(res.status).toBe(200);
    // Recorded off the request path: poll, with a generous bound.
    let after = before;
    for (let i = 0; i < 100 && after.length === before.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await entries(t.admin, { action: 'auth.failure' });
    }
    expect(after[0]).toMatchObject({ action: 'auth.failure', outcome: 'DENIED', actorKeyId: null, teamId: null, userAgent: 'audit-probe/1.0' });
    const uses = await entries(t.admin, { action: 'apikey.use' });
    const memberUses = uses.filter((e) => e.teamId !== null && e.actorRole === 'MEMBER');
    // The member key made many requests above; its use is on the log once.
    expect(memberUses.length).toBe(1);
  });
});

describe('who reads the audit log', () => {
  it('shows a team ADMIN only its team, the OPERATOR every team, and nobody else anything', async () => {
    const other = await t.newTeam('elsewhere');
    await other.client.ok(`mutation { createAgent(input: { name: "theirs", harness: "chat" }) { id } }`);
    const mine = await entries(admin, {}, 100);
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((e) => e.teamId))).toEqual(new Set([mine[0]!.teamId]));
    const all = await entries(t.admin, {}, 100);
    expect(new Set(all.map((e) => e.teamId)).size).toBeGreaterThan(1);
    expect((await member.error(ENTRIES, { first: 1 })).extensions?.code).toBe('FORBIDDEN');
    expect((await new GraphqlClient(t.url, null).error(ENTRIES, { first: 1 })).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('pages newest first and filters by time', async () => {
    const first = await t.admin.ok<{ auditEvents: { edges: { node: Entry }[]; pageInfo: { endCursor: string } } }>(ENTRIES, { first: 2 });
    const next = await t.admin.ok<{ auditEvents: { edges: { node: Entry }[] } }>(ENTRIES, { first: 2, after: first.auditEvents.pageInfo.endCursor });
    const ids = [...first.auditEvents.edges, ...next.auditEvents.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(4);
    expect(await entries(t.admin, { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })).toEqual([]);
    expect((await t.admin.error(ENTRIES, { f: { from: '2001-01-02T00:00:00Z', to: '2001-01-01T00:00:00Z' } })).extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('append-only', () => {
  it('offers no mutation that changes or removes entries', () => {
    const names = Object.keys(schema.getMutationType()!.getFields());
    expect(names.filter((n) => /audit/i.test(n))).toEqual([]);
  });

  it('is enforced by the database: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const db = t.platform.services.db;
    const [row] = await db.auditEvent.findMany({ take: 1 });
    expect(row).toBeDefined();
    await expect(db.auditEvent.update({ where: { id: row!.id }, data: { action: 'forged' } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.delete({ where: { id: row!.id } })).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe('TRUNCATE "AuditEvent"')).rejects.toThrow(/append-only/);
    expect((await db.auditEvent.findUnique({ where: { id: row!.id } }))?.action).toBe(row!.action);
  });

  it('lets only retention delete, and only old entries', async () => {
    const audit = t.platform.services.audit;
    const count = await t.platform.services.db.auditEvent.count();
    expect(await audit.purgeOlderThan(1)).toBe(0);
    expect(await t.platform.services.db.auditEvent.count()).toBe(count);
  });
});
