import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';

const AGENT_FIELDS = 'id name description harness { name displayName } harnessName model systemPrompt envVarNames egressAllow createdAt updatedAt';
const CREATE = `mutation($input: CreateAgentInput!) { createAgent(input: $input) { ${AGENT_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { ${AGENT_FIELDS} } }`;

type AgentData = { id: string; name: string; model: string; envVarNames: string[]; harness: { name: string }; egressAllow: string[] };

let t: TestPlatform;
let client: GraphqlClient;

beforeAll(async () => {
  t = await startTestPlatform();
  client = (await t.newTeam()).client;
});
afterAll(() => t.close());

async function createAgent(input: Record<string, unknown>): Promise<AgentData> {
  return (await client.ok<{ createAgent: AgentData }>(CREATE, { input })).createAgent;
}

describe('agents', () => {
  it('creates an agent with the harness defaults and returns env var names only', async () => {
    const agent = await createAgent({
      name: 'support-bot',
      harness: 'chat',
      systemPrompt: 'Be kind.',
      env: [{ name: 'OPENAI_API_KEY', value: 'sk-very-secret' }],
      egressAllow: ['API.github.com', '203.0.113.0/24', '*.npmjs.org:443'],
    });
    expect(agent).toMatchObject({ name: 'support-bot', model: 'paddock-mock', harness: { name: 'chat' }, envVarNames: ['OPENAI_API_KEY'] });
    expect(agent.egressAllow).toEqual(['api.github.com', '203.0.113.0/24', '*.npmjs.org:443']);
    expect(JSON.stringify(agent)).not.toContain('sk-very-secret');

    const rows = await t.platform.services.db.agentSecret.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.ciphertext).not.toContain('sk-very-secret');
    expect(await t.platform.services.agents.secretEnv(rows[0]!.agentId)).toEqual([{ name: 'OPENAI_API_KEY', value: 'sk-very-secret', hosts: [] }]);
  });

  it('updates fields, sets and removes env vars', async () => {
    const agent = await createAgent({
      name: 'editable',
      harness: 'chat',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    });
    const updated = await client.ok<{ updateAgent: AgentData }>(UPDATE, {
      id: agent.id,
      input: {
        model: 'gpt-4o',
        env: [
          { name: 'C', value: '3' },
          { name: 'A', value: 'changed' },
        ],
        removeEnv: ['B'],
      },
    });
    expect(updated.updateAgent).toMatchObject({ model: 'gpt-4o', envVarNames: ['A', 'C'] });
    const row = await t.platform.services.db.agent.findFirstOrThrow({ where: { name: 'editable' } });
    const raw = await t.platform.services.agents.secretEnv(row.id);
    expect(raw).toEqual([
      { name: 'A', value: 'changed', hosts: [] },
      { name: 'C', value: '3', hosts: [] },
    ]);
  });

  it('rejects invalid input with an actionable BAD_USER_INPUT', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'Bad_Name', harness: 'chat' }, /DNS-1123 label/],
      [{ name: 'x'.repeat(64), harness: 'chat' }, /at most 63/],
      [{ name: 'ok', harness: 'nope' }, /Harness "nope" does not exist; choose one of: .*chat/],
      [{ name: 'ok', harness: 'chat', env: [{ name: 'lower', value: 'v' }] }, /env\[0\]\.name must match/],
      [{ name: 'ok', harness: 'chat', env: [{ name: 'PADDOCK_RUNTIME_TOKEN', value: 'v' }] }, /set by Paddock/],
      [
        {
          name: 'ok',
          harness: 'chat',
          env: [
            { name: 'A', value: '1' },
            { name: 'A', value: '2' },
          ],
        },
        /names a variable twice/,
      ],
      [{ name: 'ok', harness: 'chat', systemPrompt: 'x'.repeat(100_001) }, /systemPrompt must be at most 100000/],
      [{ name: 'ok', harness: 'chat', egressAllow: ['not a host!'] }, /egressAllow\[0\] is invalid: "not a host!" is not a host name/],
      [{ name: 'ok', harness: 'chat', egressAllow: ['10.0.0.0/8'] }, /egressAllow\[0\] is invalid: .*private addresses.*PADDOCK_EGRESS_PRIVATE_ALLOW/],
      [{ name: 'ok', harness: 'chat', env: [{ name: 'A', value: '1', hosts: ['*.com'] }] }, /env\[0\]\.hosts\[0\] is invalid: .*wildcard/],
      [{ name: 'ok', harness: 'chat', model: '  ' }, /model must not be empty/],
    ];
    for (const [input, message] of cases) {
      const error = await client.error(CREATE, { input });
      expect(error.extensions?.code, JSON.stringify(input).slice(0, 80)).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(message);
    }
    expect(await t.platform.services.db.agent.count({ where: { name: 'ok' } })).toBe(0);
  });

  it('keeps names unique per team but not across teams', async () => {
    await createAgent({ name: 'twin', harness: 'chat' });
    const error = await client.error(CREATE, { input: { name: 'twin', harness: 'chat' } });
    expect(error.extensions?.code).toBe('CONFLICT');
    expect(error.message).toMatch(/already exists in your team/);
    const other = (await t.newTeam()).client;
    await expect(other.ok(CREATE, { input: { name: 'twin', harness: 'chat' } })).resolves.toBeTruthy();
  });

  it('lists newest first with search and pages in both directions', async () => {
    const { client: team } = await t.newTeam();
    for (let i = 0; i < 7; i++)
      await team.ok(CREATE, { input: { name: `bot-${i}`, harness: i % 2 ? 'codex' : 'chat', description: i === 3 ? 'Finds BUGS' : '' } });
    const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $filter: AgentFilter) {
      agents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`;
    type List = {
      agents: {
        edges: { cursor: string; node: { name: string } }[];
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string; startCursor: string };
      };
    };
    const page1 = (await team.ok<List>(LIST, { first: 3 })).agents;
    expect(page1.edges.map((e) => e.node.name)).toEqual(['bot-6', 'bot-5', 'bot-4']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = (await team.ok<List>(LIST, { first: 3, after: page1.pageInfo.endCursor })).agents;
    expect(page2.edges.map((e) => e.node.name)).toEqual(['bot-3', 'bot-2', 'bot-1']);
    const page3 = (await team.ok<List>(LIST, { first: 3, after: page2.pageInfo.endCursor })).agents;
    expect(page3.edges.map((e) => e.node.name)).toEqual(['bot-0']);
    expect(page3.pageInfo.hasNextPage).toBe(false);
    const back = (await team.ok<List>(LIST, { last: 2, before: page2.pageInfo.startCursor })).agents;
    expect(back.edges.map((e) => e.node.name)).toEqual(['bot-5', 'bot-4']);
    expect(back.pageInfo.hasPreviousPage).toBe(true);

    const search = (await team.ok<List>(LIST, { filter: { search: 'bugs' } })).agents;
    expect(search.edges.map((e) => e.node.name)).toEqual(['bot-3']);
    const byHarness = (await team.ok<List>(LIST, { filter: { harness: 'codex' } })).agents;
    expect(byHarness.edges.map((e) => e.node.name)).toEqual(['bot-5', 'bot-3', 'bot-1']);

    expect((await team.error(LIST, { first: 101 })).message).toMatch(/"first" must be between 0 and 100/);
    expect((await team.error(LIST, { first: 1, last: 1 })).message).toMatch(/either "first" or "last"/);
    expect((await team.error(LIST, { after: 'garbage' })).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages 20 agents by default; first: 0 returns no edges but tells whether any exist', async () => {
    const { client: team } = await t.newTeam();
    const LIST = `query($first: Int, $last: Int) { agents(first: $first, last: $last) { edges { node { name } } pageInfo { hasNextPage hasPreviousPage } } }`;
    type List = { agents: { edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean } } };
    expect((await team.ok<List>(LIST, { first: 0 })).agents).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } });
    for (let i = 0; i < 21; i++) await team.ok(CREATE, { input: { name: `page-${i}`, harness: 'chat' } });
    expect((await team.ok<List>(LIST, {})).agents.edges).toHaveLength(20);
    expect((await team.ok<List>(LIST, {})).agents.pageInfo.hasNextPage).toBe(true);
    expect((await team.ok<List>(LIST, { first: 0 })).agents).toEqual({ edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    expect((await team.ok<List>(LIST, { last: 0 })).agents).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  });

  it('deletes an agent', async () => {
    const agent = await createAgent({ name: 'doomed', harness: 'chat' });
    const del = await client.ok<{ deleteAgent: { deletedId: string } }>(`mutation($id: ID!) { deleteAgent(id: $id) { deletedId } }`, { id: agent.id });
    expect(del.deleteAgent.deletedId).toBe(agent.id);
    expect((await client.ok<{ agent: null }>(`query($id: ID!) { agent(id: $id) { id } }`, { id: agent.id })).agent).toBeNull();
    const again = await client.error(`mutation($id: ID!) { deleteAgent(id: $id) { deletedId } }`, { id: agent.id });
    expect(again.extensions?.code).toBe('NOT_FOUND');
  });

  it('exposes harnesses read-only', async () => {
    const data = await client.ok<{ harnesses: { name: string; capabilities: string[]; defaultModel: string }[]; harness: { displayName: string } | null }>(
      `{ harnesses { name capabilities defaultModel image description } harness(name: "codex") { displayName } }`,
    );
    expect(data.harnesses.map((h) => h.name)).toEqual(expect.arrayContaining(['chat', 'claude-code', 'codex']));
    expect(data.harness?.displayName).toBe('Codex');
  });
});
