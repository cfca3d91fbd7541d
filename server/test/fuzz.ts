/**
 * A deterministic corpus of malformed GraphQL requests: valid operations mutated at the
 * character and token level, token soup, hostile shapes (deep nesting, huge literals,
 * bad text), wrong variable types and broken request envelopes. The same seed always
 * gives the same corpus.
 */

/** mulberry32: small, fast, good enough to drive a fuzzer. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = (ids: { agentId: string; sessionId: string }) => [
  { query: '{ viewer { role team { name } apiKey { name prefix } } }' },
  {
    query:
      'query($f: AgentFilter) { agents(first: 5, filter: $f) { edges { cursor node { id name description harness { name } } } pageInfo { hasNextPage } } }',
    variables: { f: { search: 'a' } },
  },
  { query: 'query($id: ID!) { agent(id: $id) { name sessions(first: 3) { edges { node { id title status } } } } }', variables: { id: ids.agentId } },
  {
    query:
      'query($s: ID!) { session(id: $s) { status usage { totalTokens } messages(first: 10) { edges { node { role content } } } events(after: 0, first: 10) { seq type } } }',
    variables: { s: ids.sessionId },
  },
  { query: 'query($id: ID!) { node(id: $id) { id ... on Agent { name } ... on Session { title } } }', variables: { id: ids.agentId } },
  {
    query: 'mutation($in: CreateAgentInput!) { createAgent(input: $in) { id name } }',
    variables: { in: { name: 'fuzz', harness: 'chat', description: 'd', systemPrompt: 's' } },
  },
  { query: 'mutation($id: ID!, $in: UpdateAgentInput!) { updateAgent(id: $id, input: $in) { id } }', variables: { id: ids.agentId, in: { description: 'x' } } },
  { query: 'mutation($a: ID!) { createSession(input: { agentId: $a, title: "t" }) { id } }', variables: { a: ids.agentId } },
  { query: 'query($after: String) { sessions(first: 2, after: $after, filter: { status: IDLE }) { edges { cursor } } }', variables: { after: 'Yzp4' } },
  { query: '{ harnesses { name displayName capabilities } harness(name: "chat") { defaultModel } }' },
  { query: 'fragment A on Agent { id name } query { agents(first: 2) { edges { node { ...A } } } }' },
  { query: 'mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }', variables: { s: ids.sessionId } },
];

/** Control characters, which GraphQL string literals must escape. */
// eslint-disable-next-line no-control-regex -- exactly the characters to escape
const CONTROL = /[\u0000-\u001f]/g;

const PUNCTUATION = ['{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '=', '|', '&', '...', '"', '"""', '#', ',', '\\'];
const WORDS = [
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'agents',
  'agent',
  'node',
  'id',
  'edges',
  '__schema',
  '__type',
  '__typename',
  'viewer',
  'first',
  'true',
  'null',
  'Int',
  'String',
  'ID',
  'input',
  'createAgent',
  'include',
  'skip',
  'sessions',
  'teams',
  'createTeam',
  'apiKeys',
];
const ODD_STRINGS = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  '😀',
  '\u202E',
  '\r\n',
  '"',
  '\\',
  '%00',
  '${x}',
  '<script>',
  '\'; DROP TABLE "Agent"; --',
  'x'.repeat(5000),
  '__proto__',
  'constructor',
];
const ODD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  2 ** 31,
  2 ** 53 + 1,
  1e308,
  -0.5,
  '',
  'NaN',
  [],
  {},
  [[[[[]]]]],
  { __proto__: { polluted: true } },
  { constructor: { prototype: {} } },
  ...ODD_STRINGS,
];

export function fuzzCorpus({ seed, count, ids }: { seed: number; count: number; ids: { agentId: string; sessionId: string } }): string[] {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const seeds = SEEDS(ids);

  const mutateText = (text: string): string => {
    let out = text;
    for (let i = 0, n = 1 + int(4); i < n; i++) {
      const at = int(out.length + 1);
      switch (int(6)) {
        case 0:
          out = out.slice(0, at) + out.slice(at + 1 + int(8));
          break;
        case 1:
          out = out.slice(0, at) + pick(PUNCTUATION) + out.slice(at);
          break;
        case 2:
          out = out.slice(0, at) + pick(WORDS) + out.slice(at);
          break;
        case 3:
          out = out.slice(0, at);
          break;
        case 4:
          out = out.slice(0, at) + out.slice(int(out.length), int(out.length) + 20).repeat(1 + int(5)) + out.slice(at);
          break;
        default:
          out = out.slice(0, at) + String.fromCharCode(int(0x10000)) + out.slice(at);
      }
    }
    return out;
  };

  const mutateVariables = (vars: Record<string, unknown> | undefined): unknown => {
    const base: Record<string, unknown> = structuredClone(vars ?? {});
    const keys = Object.keys(base);
    switch (int(5)) {
      case 0:
        return pick(ODD_VALUES);
      case 1:
        if (keys.length) base[pick(keys)] = pick(ODD_VALUES);
        return base;
      case 2:
        base[pick(WORDS)] = pick(ODD_VALUES);
        return base;
      case 3: {
        const key = keys.length ? pick(keys) : 'x';
        const inner = base[key];
        if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
          const innerKeys = Object.keys(inner);
          (inner as Record<string, unknown>)[innerKeys.length ? pick(innerKeys) : 'x'] = pick(ODD_VALUES);
        } else base[key] = { nested: pick(ODD_VALUES) };
        return base;
      }
      default: {
        let deep: unknown = pick(ODD_VALUES);
        for (let i = 0, n = 10 + int(200); i < n; i++) deep = int(2) ? [deep] : { a: deep };
        if (keys.length) base[pick(keys)] = deep;
        return base;
      }
    }
  };

  const soup = (): string => Array.from({ length: 1 + int(60) }, () => (int(3) ? pick(WORDS) : pick(PUNCTUATION))).join(int(2) ? ' ' : '');

  const shapes: (() => unknown)[] = [
    () => `{ ${'agents { edges { node { sessions { edges { node { agent { '.repeat(1 + int(6))} id ${'} } } } } } '.repeat(1 + int(6))} }`,
    () =>
      `{ ${Array.from({ length: 10 + int(60) }, (_, i) => `a${i}: ${pick(['viewer { role }', '__typename', 'harnesses { name }', '__schema { queryType { name } }'])}`).join(' ')} }`,
    () => `{ viewer { role ${'@skip(if: false) '.repeat(1 + int(40))} } }`,
    () => `query { agents(first: ${pick(['-1', '101', '2147483648', '1e9', '"5"', 'null', '99999999999999999999'])}) { edges { cursor } } }`,
    () =>
      `query { agents(filter: { search: "${pick(ODD_STRINGS)
        .replace(/["\\]/g, '\\$&')
        .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}" }) { edges { cursor } } }`,
    () =>
      `${Array.from({ length: 1 + int(25) }, (_, i) => `fragment G${i} on Agent { ${i === 0 ? 'id' : `...G${i - 1} ...G${i - 1}`} }`).join(' ')} { agents { edges { node { ...G0 } } } }`,
    () => 'fragment Loop on Agent { ...Loop } { agents { edges { node { ...Loop } } } }',
    () =>
      `{ node(id: "${Buffer.from(`${pick(['__proto__', 'Agent', 'Session', 'Message', 'Team', 'ApiKey', 'constructor', ''])}:${pick(['x', ids.agentId.slice(0, 5), '0190b6a0-0000-7000-8000-000000000000'])}`).toString('base64url')}") { id } }`,
    () => `${'{'.repeat(1 + int(4000))}`,
    () => `"""${'x'.repeat(int(20_000))}`,
    () => `query ${'($v: Int) '.repeat(1 + int(3))}{ viewer { role } }`,
    () => `subscription { sessionEvents(sessionId: "${ids.sessionId}") { seq } }`,
    () => `mutation { createTeam(input: { name: "${pick(ODD_STRINGS).slice(0, 50).replace(/["\\]/g, '').replace(CONTROL, '')}" }) { id } }`,
  ];

  const envelope = (query: unknown, variables?: unknown, operationName?: unknown): string => {
    switch (int(12)) {
      case 0:
        return JSON.stringify([{ query, variables }]);
      case 1:
        return JSON.stringify({ query: int(2) ? 42 : { query }, variables });
      case 2:
        return JSON.stringify({ query, variables: JSON.stringify(variables ?? {}) });
      case 3:
        return JSON.stringify({ query, variables, operationName: pick(['Nope', 7, '', null]) });
      case 4:
        return JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } });
      case 5:
        return JSON.stringify(query).slice(0, 1 + int(40));
      default:
        return JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) });
    }
  };

  const corpus: string[] = [];
  while (corpus.length < count) {
    const seedOp = pick(seeds);
    switch (int(5)) {
      case 0:
        corpus.push(envelope(mutateText(seedOp.query), seedOp.variables));
        break;
      case 1:
        corpus.push(envelope(seedOp.query, mutateVariables(seedOp.variables)));
        break;
      case 2:
        corpus.push(envelope(soup(), int(2) ? mutateVariables(undefined) : undefined));
        break;
      case 3:
        corpus.push(envelope(pick(shapes)(), int(3) ? undefined : mutateVariables(seedOp.variables)));
        break;
      default:
        corpus.push(envelope(mutateText(seedOp.query), mutateVariables(seedOp.variables)));
    }
  }
  return corpus;
}
