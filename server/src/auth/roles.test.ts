import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../db/migrate.ts';
import { createLogger } from '../log/index.ts';
import { schema } from '../graphql/schema.ts';
import { createTestDatabase } from '../../test/db.ts';
import { pauseOnApproval } from '../../test/approvals.ts';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber } from '../../test/subscriber.ts';
import { ROLES } from './roles.ts';
import { decodeGlobalId } from '../ids/global-id.ts';
import { newId } from '../ids/index.ts';

/**
 * The role matrix: every query, mutation and subscription, run by every role against
 * its own team and against another team. Objects of another team read as absent
 * (null, empty or NOT_FOUND); a missing permission is FORBIDDEN.
 */
type Role = (typeof ROLES)[number];
type Target = 'own' | 'other';
type Outcome = 'ok' | 'null' | 'empty' | 'FORBIDDEN' | 'NOT_FOUND';
type Team = { id: string; member: GraphqlClient; spareKeyId: () => Promise<string> };

let t: TestPlatform;
const teams = {} as Record<Target, Team>;
const clients = {} as Record<Role, { client: GraphqlClient; key: string }>;

async function makeTeam(name: string): Promise<Team> {
  const { client, teamId } = await t.newTeam(name);
  return {
    id: teamId,
    member: client,
    spareKeyId: async () =>
      (
        await t.admin.ok<{ createApiKey: { apiKey: { id: string } } }>(
          `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "spare", role: MEMBER }) { apiKey { id } } }`,
          { t: teamId },
        )
      ).createApiKey.apiKey.id,
  };
}

async function agentIn(team: Team): Promise<string> {
  const name = `a-${Math.random().toString(36).slice(2, 10)}`;
  return (
    await team.member.ok<{ createAgent: { id: string } }>(`mutation($n: String!) { createAgent(input: { name: $n, harness: "chat" }) { id } }`, { n: name })
  ).createAgent.id;
}
async function sessionIn(team: Team): Promise<string> {
  return (
    await team.member.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: await agentIn(team) })
  ).createSession.id;
}
async function runningSessionIn(team: Team): Promise<string> {
  const id = await sessionIn(team);
  await team.member.ok(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hi" }) { id } }`, { s: id });
  return id;
}

async function awaitingApprovalIn(team: Team): Promise<string> {
  const id = await sessionIn(team);
  await pauseOnApproval(t.platform.services, decodeGlobalId(id).id);
  return id;
}

async function scheduleIn(team: Team): Promise<string> {
  return (
    await team.member.ok<{ createSchedule: { id: string } }>(
      `mutation($a: ID!) { createSchedule(input: { agentId: $a, name: "s", cron: "0 0 1 1 *", prompt: "Go." }) { id } }`,
      { a: await agentIn(team) },
    )
  ).createSchedule.id;
}
async function triggerIn(team: Team): Promise<string> {
  return (
    await team.member.ok<{ createTrigger: { trigger: { id: string } } }>(
      `mutation($a: ID!) { createTrigger(input: { agentId: $a, name: "t", prompt: "Go.", kind: HTTP }) { trigger { id } } }`,
      {
        a: await agentIn(team),
      },
    )
  ).createTrigger.trigger.id;
}
async function webhookIn(team: Team): Promise<string> {
  return (
    await team.member.ok<{ createWebhook: { webhook: { id: string } } }>(
      `mutation { createWebhook(input: { url: "https://93.184.216.34/hook", events: ["turn.completed"] }) { webhook { id } } }`,
    )
  ).createWebhook.webhook.id;
}
async function deliveryIn(team: Team): Promise<string> {
  const id = newId();
  await t.platform.services.db.webhookDelivery.create({
    data: { id, webhookId: decodeGlobalId(await webhookIn(team)).id, eventKey: `test:${id}`, eventType: 'turn.completed', payload: {}, status: 'SUCCEEDED' },
  });
  return Buffer.from(`WebhookDelivery:${id}`).toString('base64url');
}

type Case = {
  /** The operation, as `Type.field`. */
  op: string;
  query: string;
  /** Variables for a target in the given team; absent for operations without one. */
  vars?: (team: Team) => Promise<Record<string, unknown>>;
  expect: (role: Role, target: Target) => Outcome;
};

const writer = (role: Role) => role !== 'VIEWER';
const scoped =
  (allowed: (role: Role) => boolean, otherTeam: Outcome) =>
  (role: Role, target: Target): Outcome =>
    !allowed(role) ? 'FORBIDDEN' : target === 'own' ? 'ok' : otherTeam;
const anyone = () => 'ok' as Outcome;

const CASES: Case[] = [
  { op: 'Query.viewer', query: '{ viewer { role } }', expect: anyone },
  { op: 'Query.harnesses', query: '{ harnesses { name } }', expect: anyone },
  { op: 'Query.harness', query: '{ harness(name: "chat") { name } }', expect: anyone },
  { op: 'Query.agents', query: '{ agents { edges { node { id } } } }', expect: anyone },
  { op: 'Query.sessions', query: '{ sessions { edges { node { id } } } }', expect: anyone },
  {
    op: 'Query.agent',
    query: 'query($id: ID!) { agent(id: $id) { id } }',
    vars: async (team) => ({ id: await agentIn(team) }),
    expect: scoped(() => true, 'null'),
  },
  {
    op: 'Query.session',
    query: 'query($id: ID!) { session(id: $id) { id } }',
    vars: async (team) => ({ id: await sessionIn(team) }),
    expect: scoped(() => true, 'null'),
  },
  {
    op: 'Query.node',
    query: 'query($id: ID!) { node(id: $id) { id } }',
    vars: async (team) => ({ id: await sessionIn(team) }),
    expect: scoped(() => true, 'null'),
  },
  { op: 'Query.search', query: '{ search(query: "hello") { edges { cursor } } }', expect: anyone },
  { op: 'Query.turns', query: '{ turns { edges { cursor } } }', expect: anyone },
  {
    op: 'Query.usageReport',
    query: '{ usageReport(groupBy: [DAY], from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { turns } }',
    expect: () => 'empty',
  },
  { op: 'Query.retention', query: '{ retention { compactDeltasAfterDays } }', expect: anyone },
  { op: 'Query.teams', query: '{ teams { id } }', expect: (role) => (role === 'OPERATOR' ? 'ok' : 'FORBIDDEN') },
  {
    op: 'Query.apiKeys',
    query: 'query($t: ID) { apiKeys(teamId: $t) { id } }',
    vars: async (team) => ({ t: team.id }),
    expect: (role, target) => (role === 'OPERATOR' ? 'ok' : role === 'ADMIN' ? (target === 'own' ? 'ok' : 'empty') : 'FORBIDDEN'),
  },
  {
    op: 'Query.auditEvents',
    query: '{ auditEvents(first: 5) { edges { node { id teamId } } } }',
    expect: (role) => (role === 'OPERATOR' || role === 'ADMIN' ? 'ok' : 'FORBIDDEN'),
  },
  {
    op: 'Mutation.createAgent',
    query: 'mutation($n: String!) { createAgent(input: { name: $n, harness: "chat" }) { id } }',
    vars: async () => ({ n: `c-${Math.random().toString(36).slice(2, 10)}` }),
    expect: (role) => (writer(role) ? 'ok' : 'FORBIDDEN'),
  },
  {
    op: 'Mutation.updateAgent',
    query: 'mutation($id: ID!) { updateAgent(id: $id, input: { description: "changed" }) { id } }',
    vars: async (team) => ({ id: await agentIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.deleteAgent',
    query: 'mutation($id: ID!) { deleteAgent(id: $id) { deletedId } }',
    vars: async (team) => ({ id: await agentIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.createSession',
    query: 'mutation($id: ID!) { createSession(input: { agentId: $id }) { id } }',
    vars: async (team) => ({ id: await agentIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.sendMessage',
    query: 'mutation($id: ID!) { sendMessage(input: { sessionId: $id, content: "hello" }) { id } }',
    vars: async (team) => ({ id: await sessionIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.cancelTurn',
    query: 'mutation($id: ID!) { cancelTurn(sessionId: $id) { id } }',
    vars: async (team) => ({ id: await runningSessionIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.endSession',
    query: 'mutation($id: ID!) { endSession(sessionId: $id) { id } }',
    vars: async (team) => ({ id: await sessionIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.approveToolCall',
    query: 'mutation($id: ID!) { approveToolCall(sessionId: $id, toolCallId: "call_1") { status } }',
    vars: async (team) => ({ id: await awaitingApprovalIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.denyToolCall',
    query: 'mutation($id: ID!) { denyToolCall(sessionId: $id, toolCallId: "call_1", reason: "no") { status } }',
    vars: async (team) => ({ id: await awaitingApprovalIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  // Nothing listens on port 9: a probe that runs answers with ok: false.
  {
    op: 'Mutation.testMcpServer',
    query: 'mutation($id: ID!) { testMcpServer(agentId: $id, input: { name: "docs", url: "http://127.0.0.1:9/mcp" }) { ok } }',
    vars: async (team) => ({ id: await agentIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.setRetention',
    query: 'mutation { setRetention(input: { compactDeltasAfterDays: 30 }) { compactDeltasAfterDays } }',
    expect: (role) => (role === 'OPERATOR' || role === 'ADMIN' ? 'ok' : 'FORBIDDEN'),
  },
  { op: 'Query.schedules', query: '{ schedules { edges { node { id } } } }', expect: anyone },
  { op: 'Query.triggers', query: '{ triggers { edges { node { id } } } }', expect: anyone },
  { op: 'Query.webhooks', query: '{ webhooks { edges { node { id } } } }', expect: anyone },
  {
    op: 'Query.schedule',
    query: 'query($id: ID!) { schedule(id: $id) { id } }',
    vars: async (team) => ({ id: await scheduleIn(team) }),
    expect: scoped(() => true, 'null'),
  },
  {
    op: 'Query.trigger',
    query: 'query($id: ID!) { trigger(id: $id) { id } }',
    vars: async (team) => ({ id: await triggerIn(team) }),
    expect: scoped(() => true, 'null'),
  },
  {
    op: 'Query.webhook',
    query: 'query($id: ID!) { webhook(id: $id) { id } }',
    vars: async (team) => ({ id: await webhookIn(team) }),
    expect: scoped(() => true, 'null'),
  },
  {
    op: 'Mutation.createSchedule',
    query: 'mutation($id: ID!) { createSchedule(input: { agentId: $id, name: "m", cron: "* * * * *", prompt: "Go." }) { id } }',
    vars: async (team) => ({ id: await agentIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.updateSchedule',
    query: 'mutation($id: ID!) { updateSchedule(id: $id, input: { enabled: false }) { id } }',
    vars: async (team) => ({ id: await scheduleIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.deleteSchedule',
    query: 'mutation($id: ID!) { deleteSchedule(id: $id) { deletedId } }',
    vars: async (team) => ({ id: await scheduleIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.createTrigger',
    query: 'mutation($id: ID!) { createTrigger(input: { agentId: $id, name: "m", prompt: "Go.", kind: GITHUB }) { secret } }',
    vars: async (team) => ({ id: await agentIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.updateTrigger',
    query: 'mutation($id: ID!) { updateTrigger(id: $id, input: { enabled: false }) { id } }',
    vars: async (team) => ({ id: await triggerIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.rotateTriggerSecret',
    query: 'mutation($id: ID!) { rotateTriggerSecret(id: $id) { secret } }',
    vars: async (team) => ({ id: await triggerIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.deleteTrigger',
    query: 'mutation($id: ID!) { deleteTrigger(id: $id) { deletedId } }',
    vars: async (team) => ({ id: await triggerIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.createWebhook',
    query: 'mutation { createWebhook(input: { url: "https://93.184.216.34/in", events: ["turn.failed"] }) { secret } }',
    expect: (role) => (writer(role) ? 'ok' : 'FORBIDDEN'),
  },
  {
    op: 'Mutation.updateWebhook',
    query: 'mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: false }) { id } }',
    vars: async (team) => ({ id: await webhookIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.deleteWebhook',
    query: 'mutation($id: ID!) { deleteWebhook(id: $id) { deletedId } }',
    vars: async (team) => ({ id: await webhookIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.redeliver',
    query: 'mutation($id: ID!) { redeliver(id: $id) { id } }',
    vars: async (team) => ({ id: await deliveryIn(team) }),
    expect: scoped(writer, 'NOT_FOUND'),
  },
  {
    op: 'Mutation.createTeam',
    query: 'mutation($n: String!) { createTeam(input: { name: $n }) { id } }',
    vars: async () => ({ n: `t-${Math.random().toString(36).slice(2, 10)}` }),
    expect: (role) => (role === 'OPERATOR' ? 'ok' : 'FORBIDDEN'),
  },
  {
    op: 'Mutation.createApiKey',
    query: 'mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "new", role: MEMBER }) { key } }',
    vars: async (team) => ({ t: team.id }),
    expect: (role, target) => (role === 'OPERATOR' ? 'ok' : role === 'ADMIN' ? (target === 'own' ? 'ok' : 'NOT_FOUND') : 'FORBIDDEN'),
  },
  {
    op: 'Mutation.revokeApiKey',
    query: 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
    vars: async (team) => ({ id: await team.spareKeyId() }),
    expect: (role, target) => (role === 'OPERATOR' ? 'ok' : role === 'ADMIN' ? (target === 'own' ? 'ok' : 'NOT_FOUND') : 'FORBIDDEN'),
  },
];

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_KEY_REQUESTS_PER_SECOND: '100000', PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1' });
  teams.own = await makeTeam('home');
  teams.other = await makeTeam('away');
  for (const role of ROLES) {
    const created = await t.admin.ok<{ createApiKey: { key: string } }>(
      `mutation($t: ID!, $r: ApiKeyRole!) { createApiKey(input: { teamId: $t, name: "matrix", role: $r }) { key } }`,
      {
        t: teams.own.id,
        r: role,
      },
    );
    clients[role] = { client: new GraphqlClient(t.url, created.createApiKey.key), key: created.createApiKey.key };
  }
});
afterAll(() => t.close());

function outcomeOf(res: { data?: unknown; errors?: { extensions?: { code?: string } }[] }): Outcome | string {
  if (res.errors?.length) return res.errors[0]!.extensions?.code ?? 'UNCODED';
  const value = Object.values((res.data ?? {}) as Record<string, unknown>)[0];
  if (value === null) return 'null';
  if (Array.isArray(value) && value.length === 0) return 'empty';
  return 'ok';
}

const matrix = ROLES.flatMap((role) =>
  CASES.flatMap((c) =>
    (c.vars ? (['own', 'other'] as const) : (['own'] as const)).map((target) => ({ role, target, c, name: `${role} ${c.op} on ${target} team` })),
  ),
);

describe('role matrix', () => {
  it('covers every query, mutation and subscription of the schema', () => {
    const ops = [
      ...Object.keys(schema.getQueryType()!.getFields()).map((f) => `Query.${f}`),
      ...Object.keys(schema.getMutationType()!.getFields()).map((f) => `Mutation.${f}`),
      ...Object.keys(schema.getSubscriptionType()!.getFields()).map((f) => `Subscription.${f}`),
    ].sort();
    expect([...CASES.map((c) => c.op), 'Subscription.sessionEvents'].sort()).toEqual(ops);
    console.log(`role matrix: ${matrix.length} HTTP cases + ${ROLES.length * 2} subscription cases = ${matrix.length + ROLES.length * 2}`);
  });

  it.each(matrix)('$name', async ({ role, target, c }) => {
    const vars = c.vars ? await c.vars(teams[target]) : {};
    const res = await clients[role].client.request(c.query, vars);
    expect(outcomeOf(res), JSON.stringify(res)).toBe(c.expect(role, target));
  });

  it.each(ROLES.flatMap((role) => (['own', 'other'] as const).map((target) => ({ role, target }))))(
    '$role Subscription.sessionEvents on $target team',
    async ({ role, target }) => {
      const sessionId = await sessionIn(teams[target]);
      const sub = new Subscriber(t.url, clients[role].key).subscribe(sessionId);
      try {
        if (target === 'own') {
          await sub.waitForType('session.status');
          expect(sub.error).toBeNull();
        } else {
          await sub.waitFor(() => sub.error !== null);
          expect(JSON.stringify(sub.error)).toMatch(/NOT_FOUND/);
          expect(sub.events).toEqual([]);
        }
      } finally {
        await sub.close();
      }
    },
  );
});

describe('role rules beyond the matrix', () => {
  it("lists only the caller's team in agents and sessions", async () => {
    const foreign = await agentIn(teams.other);
    const listed = await clients.OPERATOR.client.ok<{ agents: { edges: { node: { id: string } }[] } }>('{ agents(first: 100) { edges { node { id } } } }');
    expect(listed.agents.edges.map((e) => e.node.id)).not.toContain(foreign);
  });

  it('lets only the OPERATOR mint OPERATOR keys', async () => {
    const denied = await clients.ADMIN.client.error(`mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "up", role: OPERATOR }) { key } }`, {
      t: teams.own.id,
    });
    expect(denied.extensions?.code).toBe('FORBIDDEN');
    expect(denied.message).toMatch(/Only the OPERATOR key/);
    await clients.OPERATOR.client.ok(`mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "op", role: OPERATOR }) { key } }`, { t: teams.other.id });
  });

  it('says which key a refused operation needs', async () => {
    expect((await clients.VIEWER.client.error('mutation { createAgent(input: { name: "v", harness: "chat" }) { id } }')).message).toMatch(
      /VIEWER keys are read-only/,
    );
    expect((await clients.MEMBER.client.error('{ apiKeys { id } }')).message).toMatch(/team ADMIN or OPERATOR key/);
    expect((await clients.ADMIN.client.error('{ teams { id } }')).message).toMatch(/OPERATOR key/);
  });
});

describe('migration to roles', () => {
  it("turns the bootstrap team's ADMIN keys into OPERATOR keys and leaves other teams' ADMIN keys alone", async () => {
    const database = await createTestDatabase({ migrated: false });
    const before = await mkdtemp(path.join(os.tmpdir(), 'paddock-migrations-'));
    const log = createLogger('roles-migration-test', 'silent');
    try {
      const names = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      const upTo = names.findIndex((n) => n.endsWith('_bootstrap_admin_keys_become_operators'));
      expect(upTo).toBeGreaterThan(0);
      await cp(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(before, 'migration_lock.toml'));
      for (const name of names.slice(0, upTo)) await cp(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      await migrate(database.databaseUrl, log, { migrationsDir: before });

      const db = database.db;
      const key = (teamId: string, id: string, role: 'ADMIN' | 'MEMBER') =>
        db.apiKey.create({ data: { id, teamId, name: id, role, prefix: 'pdk_x', hash: id.replaceAll('-', '').padEnd(64, '0') } });
      const boot = await db.team.create({ data: { id: '0190b6a0-0000-7000-8000-000000000001', name: 'default' } });
      const other = await db.team.create({ data: { id: '0190b6a0-0000-7000-8000-000000000002', name: 'alpha' } });
      await key(boot.id, '0190b6a0-0000-7000-8000-00000000000a', 'ADMIN');
      await key(boot.id, '0190b6a0-0000-7000-8000-00000000000b', 'MEMBER');
      await key(other.id, '0190b6a0-0000-7000-8000-00000000000c', 'ADMIN');

      await migrate(database.databaseUrl, log);
      const roles = Object.fromEntries((await db.apiKey.findMany()).map((k) => [k.id.slice(-1), k.role]));
      expect(roles).toEqual({ a: 'OPERATOR', b: 'MEMBER', c: 'ADMIN' });
    } finally {
      await rm(before, { recursive: true, force: true });
      await database.drop();
    }
  });
});
