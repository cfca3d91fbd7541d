import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { fuzzCorpus } from '../../test/fuzz.ts';

/**
 * Hostile input through the public surface: every request here must be answered with a
 * coded client error (or data), never HTTP 500, never a hang, and never at the cost of
 * other clients.
 */
let t: TestPlatform;
let memberKey: string;
let agentId: string;
let sessionId: string;

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_KEY_REQUESTS_PER_SECOND: '100000' });
  const team = await t.newTeam('hostile');
  memberKey = team.key;
  agentId = (await team.client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "target", harness: "chat" }) { id } }`)).createAgent
    .id;
  sessionId = (await team.client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
});
afterAll(() => t.close());

type GqlError = { message: string; extensions?: Record<string, unknown> };
type Reply = { status: number; ms: number; body: { data?: unknown; errors?: GqlError[] } | null; text: string; headers: Headers };

async function post(body: unknown, key: string | null = memberKey, timeoutMs = 15_000): Promise<Reply> {
  const started = performance.now();
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  // A subscription sent over HTTP streams for as long as it lives: its first bytes are the answer.
  const streaming = /event-stream|multipart/.test(res.headers.get('content-type') ?? '');
  const text = streaming ? await firstChunk(res) : await res.text();
  const ms = performance.now() - started;
  let parsed: Reply['body'];
  try {
    parsed = JSON.parse(text) as Reply['body'];
  } catch {
    parsed = null;
  }
  return { status: res.status, ms, body: parsed, text, headers: res.headers };
}

async function firstChunk(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

function onlyError(reply: Reply): GqlError {
  expect(reply.body?.errors, reply.text).toHaveLength(1);
  return reply.body!.errors![0]!;
}

/** `F_n` spreads `F_{n-1}` twice: 2^depth selections once expanded, about 1.3 KB at depth 30. */
export function fragmentBomb(depth: number): string {
  const fragments = ['fragment F0 on Agent { id name }'];
  for (let i = 1; i <= depth; i++) fragments.push(`fragment F${i} on Agent { ...F${i - 1} ...F${i - 1} }`);
  // Fragments first, so graphql-js's own rules would meet them before the operation.
  return `${fragments.reverse().join(' ')} query { agents(first: 1) { edges { node { ...F${depth} } } } }`;
}

describe('cost is bounded before execution', () => {
  const timings: Record<number, number> = {};
  afterAll(() => console.log(`fragment bomb rejection times (ms): ${JSON.stringify(timings)}`));

  it.each([16, 20, 24, 27, 30])('a fragment bomb of depth %i is a coded 400 naming the complexity limit', async (depth) => {
    const reply = await post({ query: fragmentBomb(depth) });
    timings[depth] = Math.round(reply.ms * 10) / 10;
    expect(reply.status).toBe(400);
    const error = onlyError(reply);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'PADDOCK_MAX_QUERY_COMPLEXITY' });
    expect(error.message).toMatch(/complexity \d+ exceeds the limit of 10000/);
    // Under 100 ms on an idle machine; the bound is generous for a loaded one.
    expect(reply.ms).toBeLessThan(2_000);
  });

  it('keeps /healthz answering while bombs are rejected', async () => {
    const probeWhile = async (load: () => Promise<Reply[]>) => {
      let stop = false;
      const health: number[] = [];
      const poller = (async () => {
        while (!stop) {
          const started = performance.now();
          const res = await fetch(`${t.url}/healthz`);
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          health.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const replies = await load();
      stop = true;
      await poller;
      expect(replies.every((b) => b.status === 400)).toBe(true);
      return { probes: health.length, worst: Math.max(...health), median: health.sort((a, b) => a - b)[Math.floor(health.length / 2)]! };
    };
    // A client sending bombs back to back, then 30 at the same moment.
    const serial = await probeWhile(async () => {
      const replies: Reply[] = [];
      for (let i = 0; i < 40; i++) replies.push(await post({ query: fragmentBomb(30) }));
      return replies;
    });
    const burst = await probeWhile(() => Promise.all(Array.from({ length: 30 }, () => post({ query: fragmentBomb(30) }))));
    const fmt = (r: typeof serial) => `${r.probes} probes, median ${r.median.toFixed(1)} ms, worst ${r.worst.toFixed(1)} ms`;
    console.log(`/healthz while depth-30 bombs are rejected: back to back: ${fmt(serial)}; 30 at once: ${fmt(burst)}`);
    expect(serial.probes).toBeGreaterThan(0);
    // Within 50 ms on an idle machine; the bound is generous for a loaded one.
    expect(serial.worst).toBeLessThan(1_000);
    expect(burst.worst).toBeLessThan(2_000);
  });

  it('rejects 400 aliased __schema selections without a key, before introspection runs', async () => {
    // At about 8 tokens each, 400 of them already exceed the token limit; 40 are too many reads of the schema.
    for (const [count, limit] of [
      [400, 'PADDOCK_MAX_QUERY_TOKENS'],
      [40, 'INTROSPECTION_READS'],
    ] as const) {
      const many = `{ ${Array.from({ length: count }, (_, i) => `s${i}: __schema { types { name fields { name } } }`).join(' ')} }`;
      for (const key of [null, memberKey]) {
        const reply = await post({ query: many }, key);
        expect(reply.status).toBe(400);
        expect(onlyError(reply).extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit });
        expect(reply.text.length).toBeLessThan(2_000);
      }
    }
  });

  it('bounds introspection: a few reads of the schema per request, each within the depth rule', async () => {
    const reads = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `t${i}: __schema { types { name } }`).join(' ')} }`;
    const bomb = `fragment S on Query { __schema { types { name } } } fragment T on Query { ...S ...S } fragment U on Query { ...T ...T } { ...U }`;
    for (const query of [reads(3), bomb]) {
      const reply = await post({ query });
      expect(reply.status).toBe(400);
      expect(onlyError(reply)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', limit: 'INTROSPECTION_READS' } });
    }
    expect((await post({ query: reads(2) })).body?.errors).toBeUndefined();
  });

  it("needs a key for introspection, and serves GraphiQL's introspection query with one", async () => {
    const anonymous = await post({ query: getIntrospectionQuery() }, null);
    expect(onlyError(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
    expect(onlyError(anonymous).message).toMatch(/PADDOCK_PUBLIC_INTROSPECTION/);
    const typeLookup = await post({ query: '{ __type(name: "Agent") { name } }' }, null);
    expect(onlyError(typeLookup).extensions?.code).toBe('UNAUTHENTICATED');
    const typename = await post({ query: '{ __typename }' }, null);
    expect(typename.body).toEqual({ data: { __typename: 'Query' } });

    const keyed = await post({ query: getIntrospectionQuery() });
    expect(keyed.status).toBe(200);
    expect(keyed.body?.errors).toBeUndefined();
    expect((keyed.body?.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(20);
  });

  it('answers a 3,000-level nested query with a coded 400 naming the token limit, not a RangeError', async () => {
    const query = `${'{ agents { edges { node { '.repeat(1)}${'a { '.repeat(3000)}b${' }'.repeat(3000)} } } } }`;
    const reply = await post({ query });
    expect(reply.status).toBe(400);
    expect(onlyError(reply).extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'PADDOCK_MAX_QUERY_TOKENS' });
    const justUnderTokens = await post({ query: `{ ${'a { '.repeat(990)}b${' }'.repeat(990)} }` });
    expect(justUnderTokens.status).toBe(400);
    expect(onlyError(justUnderTokens).extensions?.limit).toBe('PADDOCK_MAX_QUERY_DEPTH');
    const lists = await post({ query: `{ agents(filter: { search: ${'['.repeat(3000)}"x"${']'.repeat(3000)} }) { edges { cursor } } }` });
    expect(lists.status).toBe(400);
    expect(onlyError(lists).extensions?.limit).toBe('PADDOCK_MAX_QUERY_TOKENS');
  });

  it('limits depth, aliases and directives, each naming its setting', async () => {
    const deep = await post({
      query:
        '{ agents { edges { node { sessions { edges { node { agent { sessions { edges { node { agent { sessions { edges { node { id } } } } } } } } } } } } } } }',
    });
    expect(deep.status).toBe(400);
    expect(onlyError(deep)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', limit: 'PADDOCK_MAX_QUERY_DEPTH' } });
    expect(onlyError(deep).message).toMatch(/depth 15 exceeds the limit of 12 \(PADDOCK_MAX_QUERY_DEPTH\)/);

    const aliases = await post({ query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }` });
    expect(onlyError(aliases)).toMatchObject({ extensions: { limit: 'PADDOCK_MAX_QUERY_ALIASES' } });
    expect(onlyError(aliases).message).toMatch(/31 aliases; the limit is 30/);

    const directives = await post({ query: `{ viewer { role ${'@include(if: true) '.repeat(21)} } }` });
    expect(onlyError(directives)).toMatchObject({ extensions: { limit: 'PADDOCK_MAX_QUERY_DIRECTIVES' } });

    const pages = await post({
      query: 'query($n: Int) { sessions(first: $n) { edges { node { messages(first: $n) { edges { node { id content } } } } } } }',
      variables: { n: 100 },
    });
    // Page sizes in variables are counted at execution, before any resolver runs.
    expect(onlyError(pages)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', limit: 'PADDOCK_MAX_QUERY_COMPLEXITY' } });
    expect(onlyError(pages).message).toMatch(/complexity \d+ exceeds the limit \(PADDOCK_MAX_QUERY_COMPLEXITY\)/);
    expect(pages.status).toBe(400);
    const mutation = await post({
      query:
        'mutation($n: Int) { createAgent(input: { name: "never-made", harness: "chat" }) { sessions(first: $n) { edges { node { messages(first: $n) { edges { node { id } } } } } } } }',
      variables: { n: 100 },
    });
    expect(onlyError(mutation).extensions?.limit).toBe('PADDOCK_MAX_QUERY_COMPLEXITY');
    const made = await post({ query: '{ agents(filter: { search: "never-made" }) { edges { cursor } } }' });
    expect(made.body?.data).toEqual({ agents: { edges: [] } });
  });
});

describe('bad text is a user error', () => {
  const inputs: [string, string, (bad: string) => Record<string, unknown>, string][] = [
    [
      'agent description',
      'mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }',
      (bad) => ({ in: { name: 'nul-agent', harness: 'chat', description: bad } }),
      'in.description',
    ],
    [
      'system prompt',
      'mutation($id: ID!, $in: UpdateAgentInput!) { updateAgent(id: $id, input: $in) { id } }',
      (bad) => ({ id: agentId, in: { systemPrompt: bad } }),
      'in.systemPrompt',
    ],
    ['session title', 'mutation($a: ID!, $t: String) { createSession(input: { agentId: $a, title: $t }) { id } }', (bad) => ({ a: agentId, t: bad }), 't'],
    ['message content', 'mutation($in: SendMessageInput!) { sendMessage(input: $in) { id } }', (bad) => ({ in: { sessionId, content: bad } }), 'in.content'],
    ['agent filter', 'query($f: AgentFilter) { agents(filter: $f) { edges { cursor } } }', (bad) => ({ f: { search: bad } }), 'f.search'],
    [
      'env var value',
      'mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }',
      (bad) => ({ in: { name: 'env-agent', harness: 'chat', env: [{ name: 'A', value: bad }] } }),
      'in.env.0.value',
    ],
  ];
  const bads: [string, string][] = [
    ['a NUL byte', 'before\u0000after'],
    ['an unpaired high surrogate', 'x\uD800y'],
    ['an unpaired low surrogate', '\uDC00'],
  ];
  const cases = inputs.flatMap(([what, query, vars, field]) => bads.map(([kind, bad]) => [`${kind} in the ${what}`, query, vars(bad), field, kind] as const));

  it.each(cases)('%s is BAD_USER_INPUT naming the field', async (_name, query, variables, field, kind) => {
    const reply = await post({ query, variables });
    expect(reply.status).toBeLessThan(500);
    const error = onlyError(reply);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toContain(`"${field}" contains ${kind === 'a NUL byte' ? 'a NUL byte' : 'an unpaired UTF-16 surrogate'}`);
  });

  it('checks string literals in the document too', async () => {
    const reply = await post({ query: `mutation { createAgent(input: { name: "lit", harness: "chat", description: "a\\u0000b" }) { id } }` });
    expect(onlyError(reply).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.description' });
    const filter = await post({ query: `{ agents(filter: { search: "\\u0000" }) { edges { cursor } } }` });
    expect(onlyError(filter).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
  });

  it('refuses variables nested absurdly deep without overflowing the stack', async () => {
    // Written by hand: JSON.stringify itself would overflow on this.
    const nested = `${'['.repeat(5_000)}"x"${']'.repeat(5_000)}`;
    const reply = await post(`{"query":"query($f: AgentFilter) { agents(filter: $f) { edges { cursor } } }","variables":{"f":{"search":${nested}}}}`);
    expect(reply.status).toBeLessThan(500);
    expect(onlyError(reply).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers node ids with odd type names as a coded error or null, never an internal one', async () => {
    for (const typename of ['__proto__', 'constructor', 'toString', 'Query', 'Nope']) {
      const id = Buffer.from(`${typename}:0190b6a0-0000-7000-8000-000000000000`).toString('base64url');
      const reply = await post({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id } });
      expect(reply.status).toBeLessThan(500);
      if (reply.body?.errors) expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(onlyError(reply).extensions?.code);
      else expect(reply.body?.data).toEqual({ node: null });
    }
  });
});

describe('over WebSocket', () => {
  it('applies the same limits and text checks to graphql-ws operations', async () => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${memberKey}` },
      retryAttempts: 0,
    });
    const run = (query: string, variables?: Record<string, unknown>) =>
      new Promise<unknown>((resolve) => {
        client.subscribe({ query, variables }, { next: resolve, error: resolve, complete: () => undefined });
      });
    try {
      expect(JSON.stringify(await run(fragmentBomb(30)))).toMatch(/PADDOCK_MAX_QUERY_COMPLEXITY/);
      expect(JSON.stringify(await run(`{ ${'a { '.repeat(3000)}b${' }'.repeat(3000)} }`))).toMatch(/PADDOCK_MAX_QUERY_TOKENS/);
      const nul = JSON.stringify(await run('query($f: AgentFilter) { agents(filter: $f) { edges { cursor } } }', { f: { search: 'a\u0000' } }));
      expect(nul).toMatch(/BAD_USER_INPUT/);
      expect(nul).toMatch(/f\.search/);
      const sub = JSON.stringify(await run('subscription($s: ID!) { sessionEvents(sessionId: $s) { seq } }', { s: `${sessionId}\uD800` }));
      expect(sub).toMatch(/"s\\" contains an unpaired UTF-16 surrogate/);
    } finally {
      await client.dispose();
    }
  });
});

describe('fuzz corpus', () => {
  it('answers 1,200 malformed documents and variables with 0 HTTP 500, 0 crashes and 0 stalls', async () => {
    const corpus = fuzzCorpus({ seed: 0x5eed, count: 1_200, ids: { agentId, sessionId } });
    expect(corpus.length).toBeGreaterThanOrEqual(1_000);
    const counts = { total: 0, ok: 0, clientErrors: 0, serverErrors: 0, stalls: 0, uncoded: 0, byStatus: {} as Record<number, number> };
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < corpus.length) {
        const body = corpus[next++]!;
        counts.total++;
        let reply: Reply;
        try {
          reply = await post(body, memberKey, 20_000);
        } catch (error) {
          counts.stalls++;
          failures.push(`stall/network: ${(error as Error).message} for ${body.slice(0, 200)}`);
          continue;
        }
        counts.byStatus[reply.status] = (counts.byStatus[reply.status] ?? 0) + 1;
        if (reply.status >= 500) {
          counts.serverErrors++;
          failures.push(`${reply.status}: ${reply.text.slice(0, 200)} for ${body.slice(0, 200)}`);
        } else if (reply.body?.errors?.length) {
          counts.clientErrors++;
          if (reply.body.errors.some((e) => typeof e.extensions?.code !== 'string')) {
            counts.uncoded++;
            failures.push(`uncoded: ${reply.text.slice(0, 200)} for ${body.slice(0, 200)}`);
          }
          if (/Unexpected error|at .*\.(ts|js):\d+/.test(reply.text)) failures.push(`internal: ${reply.text.slice(0, 200)} for ${body.slice(0, 200)}`);
        } else counts.ok++;
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    console.log(`fuzz: ${JSON.stringify(counts)}`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(counts.serverErrors).toBe(0);
    expect(counts.stalls).toBe(0);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
