import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { Subscriber } from '../../test/subscriber.ts';

/**
 * Every operation that names another team's object must behave as if the object did
 * not exist, and must leave it untouched.
 */
let t: TestPlatform;
let owner: GraphqlClient;
let intruder: GraphqlClient;
let intruderKey: string;
const ids = { agent: '', session: '', message: '' };

beforeAll(async () => {
  t = await startTestPlatform();
  owner = (await t.newTeam('owner')).client;
  ({ client: intruder, key: intruderKey } = await t.newTeam('intruder'));
  ids.agent = (
    await owner.ok<{ createAgent: { id: string } }>(
      `mutation { createAgent(input: { name: "private", harness: "chat", env: [{ name: "TOKEN", value: "s3cret" }] }) { id } }`,
    )
  ).createAgent.id;
  ids.session = (
    await owner.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a, title: "mine" }) { id } }`, { a: ids.agent })
  ).createSession.id;
  ids.message = (
    await owner.ok<{ sendMessage: { id: string } }>(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "private words" }) { id } }`, {
      s: ids.session,
    })
  ).sendMessage.id;
});
afterAll(() => t.close());

describe('cross-team isolation', () => {
  const reads: [string, string, keyof typeof ids][] = [
    ['agent', `query($id: ID!) { agent(id: $id) { id } }`, 'agent'],
    ['session', `query($id: ID!) { session(id: $id) { id } }`, 'session'],
    ['node(agent)', `query($id: ID!) { node(id: $id) { id } }`, 'agent'],
    ['node(session)', `query($id: ID!) { node(id: $id) { id } }`, 'session'],
    ['node(message)', `query($id: ID!) { node(id: $id) { id } }`, 'message'],
  ];
  it.each(reads)('%s reads as null', async (_name, query, kind) => {
    const res = await intruder.request<Record<string, unknown>>(query, { id: ids[kind] });
    expect(res.errors).toBeUndefined();
    expect(Object.values(res.data ?? {})).toEqual([null]);
  });

  const writes: [string, string, Record<string, unknown>][] = [
    ['updateAgent', `mutation($id: ID!) { updateAgent(id: $id, input: { description: "pwned" }) { id } }`, { id: 'agent' }],
    ['deleteAgent', `mutation($id: ID!) { deleteAgent(id: $id) { deletedId } }`, { id: 'agent' }],
    ['createSession', `mutation($id: ID!) { createSession(input: { agentId: $id }) { id } }`, { id: 'agent' }],
    ['sendMessage', `mutation($id: ID!) { sendMessage(input: { sessionId: $id, content: "hi" }) { id } }`, { id: 'session' }],
    ['endSession', `mutation($id: ID!) { endSession(sessionId: $id) { id } }`, { id: 'session' }],
  ];
  it.each(writes)('%s is NOT_FOUND', async (_name, query, vars) => {
    const error = await intruder.error(query, { id: ids[vars.id as keyof typeof ids] });
    expect(error.extensions?.code).toBe('NOT_FOUND');
  });

  it("refuses subscriptions to another team's session and anonymous ones", async () => {
    const intruderSub = new Subscriber(t.url, intruderKey).subscribe(ids.session);
    const anonymous = new Subscriber(t.url, 'pdk_nobody').subscribe(ids.session);
    await intruderSub.waitFor(() => intruderSub.error !== null);
    await anonymous.waitFor(() => anonymous.error !== null);
    expect(JSON.stringify(intruderSub.error)).toMatch(/NOT_FOUND/);
    expect(JSON.stringify(anonymous.error)).toMatch(/UNAUTHENTICATED/);
    expect(intruderSub.events).toEqual([]);
    await intruderSub.close();
    await anonymous.close();
  });

  it('lists nothing of the other team and left everything untouched', async () => {
    const data = await intruder.ok<{ agents: { edges: unknown[] }; sessions: { edges: unknown[] } }>(
      `{ agents { edges { node { id } } } sessions { edges { node { id } } } }`,
    );
    expect(data).toEqual({ agents: { edges: [] }, sessions: { edges: [] } });
    const mine = await owner.ok<{ agent: { description: string }; session: { status: string; messages: { edges: unknown[] } } }>(
      `query($a: ID!, $s: ID!) { agent(id: $a) { description } session(id: $s) { status messages { edges { node { id } } } } }`,
      { a: ids.agent, s: ids.session },
    );
    expect(mine).toEqual({ agent: { description: '' }, session: { status: 'RUNNING', messages: { edges: [{ node: { id: ids.message } }] } } });
  });
});

describe('authentication and roles', () => {
  it('requires a key', async () => {
    const anonymous = new GraphqlClient(t.url, null);
    for (const query of ['{ agents { edges { node { id } } } }', '{ viewer { role } }', `{ node(id: "${ids.agent}") { id } }`]) {
      const error = await anonymous.error(query);
      expect(error.extensions?.code).toBe('UNAUTHENTICATED');
      expect(error.message).toMatch(/Authorization: Bearer/);
    }
    const bogus = new GraphqlClient(t.url, 'pdk_not-a-real-key');
    const rejected = await bogus.error('{ viewer { role } }');
    expect(rejected.extensions?.code).toBe('UNAUTHENTICATED');
    expect(rejected.message).toMatch(/not valid: it was revoked or never existed/);
  });

  it('keeps team and key management for admins', async () => {
    const member = owner;
    expect((await member.error(`mutation { createTeam(input: { name: "x" }) { id } }`)).extensions?.code).toBe('FORBIDDEN');
    expect((await member.error(`{ teams { name } }`)).extensions?.code).toBe('FORBIDDEN');
    const viewer = await member.ok<{ viewer: { role: string; team: { name: string }; apiKey: { name: string } } }>(
      `{ viewer { role team { name } apiKey { name } } }`,
    );
    expect(viewer.viewer).toEqual({ role: 'MEMBER', team: { name: 'owner' }, apiKey: { name: 'member' } });
  });

  it('stores only the hash, and a revoked key stops working at once', async () => {
    const { key, teamId } = await t.newTeam('revoker');
    const extra = await t.admin.ok<{ createApiKey: { key: string; apiKey: { id: string; prefix: string } } }>(
      `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "ci", role: MEMBER }) { key apiKey { id prefix } } }`,
      { t: teamId },
    );
    expect(extra.createApiKey.key).toMatch(/^pdk_[0-9A-Za-z]{40}$/);
    expect(extra.createApiKey.key.startsWith(extra.createApiKey.apiKey.prefix)).toBe(true);
    const stored = await t.platform.services.db.apiKey.findMany();
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(JSON.stringify(stored)).not.toContain(extra.createApiKey.key);

    const ci = new GraphqlClient(t.url, extra.createApiKey.key);
    await ci.ok('{ viewer { role } }');
    await t.admin.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: extra.createApiKey.apiKey.id });
    expect((await ci.error('{ viewer { role } }')).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('validates team names and refuses duplicates', async () => {
    expect((await t.admin.error(`mutation { createTeam(input: { name: "Bad Name" }) { id } }`)).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.admin.error(`mutation { createTeam(input: { name: "owner" }) { id } }`)).extensions?.code).toBe('CONFLICT');
  });
});
