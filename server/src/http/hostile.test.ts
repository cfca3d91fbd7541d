import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';

let t: TestPlatform;
let memberKey: string;

beforeAll(async () => {
  t = await startTestPlatform();
  memberKey = (await t.newTeam('hostile')).key;
});
afterAll(() => t.close());

type Reply = { status: number; ms: number; body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null; text: string };

async function post(body: unknown, key: string | null = memberKey): Promise<Reply> {
  const started = performance.now();
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: Reply['body'] = null;
  try {
    parsed = JSON.parse(text) as Reply['body'];
  } catch {
    parsed = null;
  }
  return { status: res.status, ms, body: parsed, text };
}

/** `F_n` spreads `F_{n-1}` twice: 2^depth fields once expanded, about 1.3 KB at depth 30. */
function fragmentBomb(depth: number): string {
  const fragments = [`fragment F0 on Agent { id name }`];
  for (let i = 1; i <= depth; i++) fragments.push(`fragment F${i} on Agent { ...F${i - 1} ...F${i - 1} }`);
  return `query { agents(first: 1) { edges { node { ...F${depth} } } } } ${fragments.join(' ')}`;
}

describe('fragment bombs', () => {
  it.each([10, 20, 24, 30])('depth %i is rejected before execution', async (depth) => {
    const reply = await post({ query: fragmentBomb(depth) });
    console.log(depth, reply.status, reply.ms, reply.text.slice(0, 300));
    expect(reply.status).toBe(400);
  });
});
