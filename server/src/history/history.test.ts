import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlPool, type Db, type Prisma } from '../db/index.ts';
import { decodeGlobalId, encodeGlobalId } from '../ids/global-id.ts';
import { newId } from '../ids/index.ts';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';
import { runPaddock } from '../../test/cli.ts';
import { eventPage, listSessions, messagePage } from '../sessions/store.ts';
import { searchMessages, usageGroups } from './store.ts';
import { histogramPercentile, recordTurnEnd } from './usage.ts';

/**
 * Session history for tooling, through the public API: search, filters and orders,
 * event and turn connections, the usage report, export and retention, each scoped to
 * the key's team; plus the index use of the hot reads (EXPLAIN).
 */
let t: TestPlatform;
let worker: TestWorker;
let db: Db;
let pool: pg.Pool;
type Team = { id: string; name: string; member: GraphqlClient; viewer: GraphqlClient; viewerKey: string; admin: GraphqlClient; agentId: string };
let A: Team;
let B: Team;

const SERVER = path.resolve(import.meta.dirname, '../..');
/** test/prices.yaml: the mock model at $1 and $2 per million input and output tokens. */
const PRICES = path.resolve(SERVER, 'test/prices.yaml');
const DAY = 86_400_000;
const local = (globalId: string) => decodeGlobalId(globalId).id;
/** `($a: T, …)` for the variables given, or nothing: GraphQL refuses declared but unused variables. */
const declare = (vars: Record<string, unknown>, types: Record<string, string>) => {
  const used = Object.keys(vars).filter((k) => k in types);
  return used.length ? `(${used.map((k) => `$${k}: ${types[k]}`).join(', ')})` : '';
};

async function team(name: string): Promise<Team> {
  const { client, teamId } = await t.newTeam(name);
  const key = async (role: string) =>
    (
      await t.admin.ok<{ createApiKey: { key: string } }>(
        `mutation($t: ID!, $r: ApiKeyRole!) { createApiKey(input: { teamId: $t, name: "k", role: $r }) { key } }`,
        { t: teamId, r: role },
      )
    ).createApiKey.key;
  const viewerKey = await key('VIEWER');
  const agent = await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "historian", harness: "chat" }) { id } }`);
  return {
    id: local(teamId),
    name,
    member: client,
    viewer: new GraphqlClient(t.url, viewerKey),
    viewerKey,
    admin: new GraphqlClient(t.url, await key('ADMIN')),
    agentId: local(agent.createAgent.id),
  };
}

type SeedSession = {
  title?: string;
  lastActiveAt?: Date;
  totalTokens?: number;
  costUsd?: number;
  toolNames?: string[];
  failedTurns?: number;
  messages?: { role?: 'USER' | 'ASSISTANT' | 'TOOL'; content: string; toolCalls?: Prisma.InputJsonValue }[];
};

/** A session written straight to the database, as finished turns would have left it. */
async function seed(owner: Team, s: SeedSession = {}): Promise<string> {
  const id = newId();
  const total = s.totalTokens ?? 0;
  await db.session.create({
    data: {
      id,
      teamId: owner.id,
      agentId: owner.agentId,
      title: s.title ?? '',
      lastActiveAt: s.lastActiveAt ?? new Date(),
      inputTokens: Math.floor(total / 2),
      outputTokens: total - Math.floor(total / 2),
      totalTokens: total,
      costUsd: s.costUsd ?? 0,
      toolNames: s.toolNames ?? [],
      failedTurns: s.failedTurns ?? 0,
    },
  });
  for (const m of s.messages ?? []) {
    await db.message.create({
      data: { id: newId(), sessionId: id, role: m.role ?? 'ASSISTANT', content: m.content, ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}) },
    });
  }
  return id;
}

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_KEY_REQUESTS_PER_SECOND: '100000', PADDOCK_MODEL_PRICES: PRICES });
  worker = await startTestWorker(t, { PADDOCK_MODEL_PRICES: PRICES });
  db = t.platform.services.db;
  pool = sqlPool(db);
  A = await team(`hist-a-${process.pid}`);
  B = await team(`hist-b-${process.pid}`);
});
afterAll(async () => {
  await worker?.close();
  await t?.close();
});

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The team's audit entries of one action, newest first, as its ADMIN reads them. */
async function audited(owner: Team, action: string): Promise<{ outcome: string; detail: Record<string, unknown> | null }[]> {
  const data = await owner.admin.ok<{ auditEvents: { edges: { node: { outcome: string; detail: Record<string, unknown> | null } }[] } }>(
    'query($f: AuditEventFilter) { auditEvents(first: 50, filter: $f) { edges { node { outcome detail } } } }',
    { f: { action } },
  );
  return data.auditEvents.edges.map((e) => e.node);
}

describe('a real turn feeds history', () => {
  it('records tool use, usage and the rollup, and makes the turn searchable, for its own team only', async () => {
    const created = await A.member.ok<{ createSession: { id: string } }>(
      `mutation($a: ID!) { createSession(input: { agentId: $a, title: "incident 42" }) { id } }`,
      {
        a: encodeGlobalId('Agent', A.agentId),
      },
    );
    const sessionId = created.createSession.id;
    const before = new Date();
    await A.member.ok(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "/tool echo needle-7f3a" }) { id } }`, { s: sessionId });
    const session = await waitFor('the turn to end', async () => {
      const data = await A.viewer.ok<{
        session: { status: string; toolNames: string[]; toolCalls: number; failedTurns: number; usage: { totalTokens: number; costUsd: number | null } };
      }>(`query($s: ID!) { session(id: $s) { status toolNames toolCalls failedTurns usage { totalTokens costUsd } } }`, { s: sessionId });
      return data.session.status === 'IDLE' && data.session.toolCalls > 0 ? data.session : null;
    });
    expect(session).toMatchObject({ toolNames: ['run_command'], toolCalls: 1, failedTurns: 0 });
    expect(session.usage.totalTokens).toBeGreaterThan(0);
    // Priced by the price book (PADDOCK_MODEL_PRICES), the one the turn, the session and the rollup share.
    expect(session.usage.costUsd).toBeGreaterThan(0);

    const byTool = await A.viewer.ok<{ sessions: { edges: { node: { id: string } }[] } }>(
      `{ sessions(filter: { toolName: "run_command" }) { edges { node { id } } } }`,
    );
    expect(byTool.sessions.edges.map((e) => e.node.id)).toContain(sessionId);

    const turns = await A.viewer.ok<{
      turns: {
        edges: {
          node: {
            status: string;
            model: string;
            toolCalls: number;
            durationMs: number;
            usage: { totalTokens: number; costUsd: number };
            session: { id: string };
          };
        }[];
      };
    }>(
      `{ turns(first: 5, filter: { status: COMPLETED }) { edges { node { status model toolCalls durationMs usage { totalTokens costUsd } session { id } } } } }`,
    );
    const turn = turns.turns.edges.find((e) => e.node.session.id === sessionId)!.node;
    expect(turn).toMatchObject({
      status: 'COMPLETED',
      model: 'paddock-mock',
      toolCalls: 1,
      usage: { totalTokens: session.usage.totalTokens, costUsd: session.usage.costUsd },
    });

    const hour = (d: Date, up: boolean) => new Date((up ? Math.ceil : Math.floor)(d.getTime() / 3_600_000) * 3_600_000 + (up ? 3_600_000 : 0)).toISOString();
    const report = await A.viewer.ok<{
      usageReport: {
        agent: { name: string };
        model: string;
        turns: number;
        failedTurns: number;
        toolCalls: number;
        totalTokens: number;
        costUsd: number;
        unpricedTurns: number;
        p50DurationMs: number;
        p95DurationMs: number;
      }[];
    }>(
      `query($f: DateTime!, $t: DateTime!) { usageReport(groupBy: [AGENT, MODEL], from: $f, to: $t) { agent { name } model turns failedTurns toolCalls totalTokens costUsd unpricedTurns p50DurationMs p95DurationMs } }`,
      { f: hour(before, false), t: hour(new Date(), true) },
    );
    expect(report.usageReport).toEqual([
      expect.objectContaining({
        agent: { name: 'historian' },
        model: 'paddock-mock',
        turns: 1,
        failedTurns: 0,
        toolCalls: 1,
        totalTokens: session.usage.totalTokens,
        costUsd: session.usage.costUsd,
        unpricedTurns: 0,
      }),
    ]);
    expect(report.usageReport[0]!.p50DurationMs).toBeGreaterThan(0);
    expect(report.usageReport[0]!.p95DurationMs).toBeGreaterThanOrEqual(report.usageReport[0]!.p50DurationMs);

    const search = `query($q: String!) { search(query: $q) { edges { node { snippet highlights { start end } matchedBy message { role } session { id } } } } }`;
    type Hits = {
      search: {
        edges: {
          node: { snippet: string; highlights: { start: number; end: number }[]; matchedBy: string; message: { role: string }; session: { id: string } };
        }[];
      };
    };
    const hits = await A.viewer.ok<Hits>(search, { q: 'needle-7f3a' });
    expect(hits.search.edges.length).toBeGreaterThan(0);
    for (const { node } of hits.search.edges) {
      expect(node.session.id).toBe(sessionId);
      expect(node.highlights.length).toBeGreaterThan(0);
    }
    expect(hits.search.edges.map((e) => e.node.message.role)).toContain('TOOL');
    expect((await B.viewer.ok<Hits>(search, { q: 'needle-7f3a' })).search.edges).toEqual([]);
  });
});

describe('search', () => {
  let incident: string;
  let other: string;
  beforeAll(async () => {
    incident = await seed(A, {
      messages: [
        { role: 'USER', content: 'Why did the deployment of web fail last night?' },
        {
          content: 'I ran kubectl delete pod web-1 and the rollout recovered.',
          toolCalls: [{ id: 'c1', name: 'run_command', input: { command: 'kubectl delete pod web-1' }, output: 'pod "web-1" deleted' }],
        },
        { role: 'TOOL', content: 'Error: OOMKilled while reading /var/log/app.log' },
        { content: 'Rolled back the deploy; nothing else changed.' },
      ],
    });
    other = await seed(B, { messages: [{ content: 'Team B also ran kubectl delete pod secret-b and keeps /var/log/app.log' }] });
  });

  type Hit = {
    snippet: string;
    highlights: { start: number; end: number }[];
    rank: number;
    matchedBy: string;
    message: { id: string; content: string; role: string };
    session: { id: string };
  };
  const query = `query($q: String!, $f: SearchFilter, $first: Int, $after: String) {
    search(query: $q, filter: $f, first: $first, after: $after) { edges { cursor node { snippet highlights { start end } rank matchedBy message { id content role } session { id } } } pageInfo { hasNextPage endCursor } } }`;
  const run = async (client: GraphqlClient, q: string, f: Record<string, unknown> = {}, first = 20, after?: string) =>
    (
      await client.ok<{ search: { edges: { cursor: string; node: Hit }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(query, {
        q,
        f,
        first,
        after,
      })
    ).search;
  const contents = async (client: GraphqlClient, q: string, f: Record<string, unknown> = {}) =>
    (await run(client, q, f)).edges.map((e) => e.node.message.content);

  it('speaks web-search syntax: phrases, OR, -term, stemming', async () => {
    const inSession = { sessionId: encodeGlobalId('Session', incident) };
    expect(await contents(A.viewer, '"kubectl delete"', inSession)).toEqual(['I ran kubectl delete pod web-1 and the rollout recovered.']);
    // "deploy" matches "deployment" (stemmed); -kubectl drops the message that mentions it.
    expect(await contents(A.viewer, 'deploy -kubectl', inSession)).toEqual([
      'Rolled back the deploy; nothing else changed.',
      'Why did the deployment of web fail last night?',
    ]);
    expect((await contents(A.viewer, 'oomkilled OR rolled', inSession)).sort()).toEqual([
      'Error: OOMKilled while reading /var/log/app.log',
      'Rolled back the deploy; nothing else changed.',
    ]);
  });

  it('finds words that only appear in tool-call inputs and outputs', async () => {
    const hits = await run(A.viewer, 'deleted', { sessionId: encodeGlobalId('Session', incident) });
    expect(hits.edges.map((e) => e.node.message.content)).toEqual(['I ran kubectl delete pod web-1 and the rollout recovered.']);
  });

  it('matches identifiers and paths as substrings, highlighted in the snippet', async () => {
    const hits = await run(A.viewer, 'app.log', { sessionId: encodeGlobalId('Session', incident) });
    expect(hits.edges).toHaveLength(1);
    const hit = hits.edges[0]!.node;
    expect(hit.message.role).toBe('TOOL');
    const marked = hit.highlights.map((h) => hit.snippet.slice(h.start, h.end).toLowerCase());
    expect(marked.some((m) => m.includes('app.log') || m.includes('/var/log/app.log'))).toBe(true);
  });

  it('filters by role, agent and time, and pages with cursors', async () => {
    const inSession = { sessionId: encodeGlobalId('Session', incident) };
    expect(await contents(A.viewer, 'web', { ...inSession, role: 'USER' })).toEqual(['Why did the deployment of web fail last night?']);
    expect(await contents(A.viewer, 'web', { ...inSession, from: new Date(Date.now() + DAY).toISOString() })).toEqual([]);
    const first = await run(A.viewer, 'web', inSession, 1);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await run(A.viewer, 'web', inSession, 1, first.pageInfo.endCursor);
    expect(second.edges[0]!.node.message.id).not.toBe(first.edges[0]!.node.message.id);
    expect(await contents(A.viewer, 'web', { ...inSession, agentId: encodeGlobalId('Agent', B.agentId) })).toEqual([]);
  });

  it("never returns another team's messages, even when asked for its session", async () => {
    for (const q of ['kubectl delete', 'secret-b', '/var/log/app.log', 'team']) {
      const hits = await run(A.viewer, q);
      expect(hits.edges.map((e) => e.node.session.id)).not.toContain(encodeGlobalId('Session', other));
      expect(JSON.stringify(hits)).not.toContain('secret-b');
    }
    expect((await run(A.viewer, 'secret-b', { sessionId: encodeGlobalId('Session', other) })).edges).toEqual([]);
    expect((await run(B.viewer, 'secret-b')).edges).toHaveLength(1);
  });

  it('answers a word more than 2,000 messages have the same way, newest first, first counting and then walking at once', async () => {
    // Team B's matches make the word common, and none of them may come back to team A.
    const common = await seed(A);
    const others = await seed(B);
    const rows = (sessionId: string, n: number, text: string) =>
      Array.from({ length: n }, (_, i) => ({ id: newId(), sessionId, role: 'ASSISTANT' as const, content: `${text} ${i}` }));
    await db.message.createMany({ data: [...rows(others, 1_500, 'zephyrine elsewhere'), ...rows(common, 700, 'zephyrine here')] });
    const pages = async () => {
      const first = await run(A.viewer, 'zephyrine', {}, 50);
      const second = await run(A.viewer, 'zephyrine', {}, 50, first.pageInfo.endCursor);
      return [...first.edges, ...second.edges].map((e) => e.node.message.content);
    };
    const counted = await pages();
    expect(counted).toEqual(Array.from({ length: 100 }, (_, i) => `zephyrine here ${699 - i}`));
    // Known common now: the same answer without the count.
    expect(await pages()).toEqual(counted);
  });

  it('says what to fix for a bad query', async () => {
    for (const q of ['', '   ', 'x'.repeat(501)]) {
      const error = await A.viewer.error(query, { q });
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/query must/);
    }
    expect((await A.viewer.error(query, { q: 'web', after: 'nope' })).extensions?.code).toBe('BAD_USER_INPUT');
    // Operators and quotes that websearch_to_tsquery ignores are not an error.
    expect((await run(A.viewer, '"unbalanced OR -')).edges).toBeDefined();
  });
});

describe('session filters and orderings', () => {
  const now = Date.now();
  let ids: Record<string, string>;
  let f: Team;
  beforeAll(async () => {
    f = await team(`hist-f-${process.pid}`);
    ids = {
      small: await seed(f, { title: 'Nightly Backup', totalTokens: 10, costUsd: 0.01, lastActiveAt: new Date(now - 3 * DAY) }),
      big: await seed(f, {
        title: 'kubectl cleanup',
        totalTokens: 5000,
        costUsd: 2.5,
        toolNames: ['kubectl', 'run_command'],
        failedTurns: 1,
        lastActiveAt: new Date(now - DAY),
      }),
      mid: await seed(f, { title: 'weekly report', totalTokens: 700, costUsd: 0.4, toolNames: ['read_file'], lastActiveAt: new Date(now - 2 * DAY) }),
      fresh: await seed(f, { title: 'backup check', totalTokens: 700, costUsd: 0.3, lastActiveAt: new Date(now) }),
    };
  });

  const list = async (args: string, vars: Record<string, unknown> = {}) =>
    (
      await f.viewer.ok<{
        sessions: {
          edges: { cursor: string; node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string; startCursor: string };
        };
      }>(
        `query${declare(vars, { after: 'String', before: 'String', since: 'DateTime' })} { sessions(${args}) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`,
        vars,
      )
    ).sessions;
  const names = (page: { edges: { node: { id: string } }[] }) =>
    page.edges.map((e) => Object.keys(ids).find((k) => encodeGlobalId('Session', ids[k]!) === e.node.id));

  it('filters by tool, failed turns, tokens, cost, title and activity', async () => {
    expect(names(await list('filter: { toolName: "kubectl" }'))).toEqual(['big']);
    expect(names(await list('filter: { hasFailedTurn: true }'))).toEqual(['big']);
    expect(names(await list('filter: { hasFailedTurn: false }'))).toEqual(['fresh', 'mid', 'small']);
    expect(names(await list('filter: { minTotalTokens: 700 }'))).toEqual(['fresh', 'mid', 'big']);
    expect(names(await list('filter: { minCostUsd: 0.35 }'))).toEqual(['mid', 'big']);
    expect(names(await list('filter: { search: "BACKUP" }'))).toEqual(['fresh', 'small']);
    expect(names(await list('filter: { search: "100%_" }'))).toEqual([]);
    expect(names(await list('filter: { lastActiveAfter: $since }', { since: new Date(now - 1.5 * DAY).toISOString() }))).toEqual(['fresh', 'big']);
    expect(names(await list('filter: { harness: "chat", model: "paddock-mock" }'))).toHaveLength(4);
    expect(names(await list('filter: { harness: "codex" }'))).toEqual([]);
  });

  it('orders by every field in both directions, keyset-paged forwards and backwards', async () => {
    expect(names(await list('orderBy: { field: TOTAL_TOKENS, direction: DESC }'))).toEqual(['big', 'fresh', 'mid', 'small']);
    expect(names(await list('orderBy: { field: TOTAL_TOKENS, direction: ASC }'))).toEqual(['small', 'mid', 'fresh', 'big']);
    expect(names(await list('orderBy: { field: COST }'))).toEqual(['big', 'mid', 'fresh', 'small']);
    expect(names(await list('orderBy: { field: LAST_ACTIVE_AT, direction: ASC }'))).toEqual(['small', 'mid', 'big', 'fresh']);
    expect(names(await list('orderBy: { field: CREATED_AT, direction: ASC }'))).toEqual(['small', 'big', 'mid', 'fresh']);

    const order = 'orderBy: { field: TOTAL_TOKENS, direction: DESC }';
    const seen: string[] = [];
    let page = await list(`first: 1, ${order}`);
    for (;;) {
      seen.push(...(names(page) as string[]));
      if (!page.pageInfo.hasNextPage) break;
      page = await list(`first: 1, after: $after, ${order}`, { after: page.pageInfo.endCursor });
    }
    expect(seen).toEqual(['big', 'fresh', 'mid', 'small']);
    const back = await list(`last: 2, before: $before, ${order}`, { before: page.pageInfo.startCursor });
    expect(names(back)).toEqual(['fresh', 'mid']);
    expect(back.pageInfo.hasPreviousPage).toBe(true);
  });

  it('rejects contradictory or out-of-range filters with the field to fix', async () => {
    const e1 = await f.viewer.error('{ sessions(filter: { minTotalTokens: -1 }) { edges { cursor } } }');
    expect(e1).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.minTotalTokens' } });
    const e2 = await f.viewer.error(
      '{ sessions(filter: { lastActiveAfter: "2026-02-01T00:00:00Z", lastActiveBefore: "2026-01-01T00:00:00Z" }) { edges { cursor } } }',
    );
    expect(e2).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.lastActiveAfter' } });
    const e3 = await f.viewer.error('{ sessions(filter: { toolName: "" }) { edges { cursor } } }');
    expect(e3.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Session.eventsConnection', () => {
  let sessionId: string;
  beforeAll(async () => {
    sessionId = await seed(A);
    const types = [
      'user.message',
      'turn.started',
      'message.delta',
      'message.delta',
      'tool.call',
      'tool.result',
      'message.delta',
      'message.completed',
      'turn.completed',
      'session.status',
    ];
    await db.sessionEvent.createMany({
      data: types.map((type, i) => ({ sessionId, seq: i + 1, type, ...(type === 'message.delta' ? { delta: `d${i + 1}` } : {}) })),
    });
  });
  const events = async (args: string, vars: Record<string, unknown> = {}) =>
    (
      await A.viewer.ok<{
        session: {
          eventsConnection: {
            edges: { cursor: string; node: { seq: number; type: string } }[];
            pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string; startCursor: string };
          };
        };
      }>(
        `query($s: ID!${declare(vars, { after: 'String', before: 'String' }).replace(/^\(/, ', ').replace(/\)$/, '')}) { session(id: $s) { eventsConnection(${args}) { edges { cursor node { seq type } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } } }`,
        { s: encodeGlobalId('Session', sessionId), ...vars },
      )
    ).session.eventsConnection;
  const seqs = (c: { edges: { node: { seq: number } }[] }) => c.edges.map((e) => e.node.seq);

  it('pages the log forwards and backwards by seq cursors', async () => {
    const p1 = await events('first: 4');
    expect(seqs(p1)).toEqual([1, 2, 3, 4]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = await events('first: 4, after: $after', { after: p1.pageInfo.endCursor });
    expect(seqs(p2)).toEqual([5, 6, 7, 8]);
    const last = await events('last: 3');
    expect(seqs(last)).toEqual([8, 9, 10]);
    const before = await events('last: 2, before: $before', { before: last.pageInfo.startCursor });
    expect(seqs(before)).toEqual([6, 7]);
  });

  it('keeps only the requested types', async () => {
    expect(seqs(await events('types: ["tool.call", "tool.result"]'))).toEqual([5, 6]);
    expect(seqs(await events('first: 1, types: ["message.delta"], after: $after', { after: (await events('first: 3')).pageInfo.endCursor }))).toEqual([4]);
  });

  it('refuses cursors of other connections', async () => {
    const messageCursor = Buffer.from(`c:${newId()}`).toString('base64url');
    const error = await A.viewer.error(`query($s: ID!, $a: String) { session(id: $s) { eventsConnection(after: $a) { edges { cursor } } } }`, {
      s: encodeGlobalId('Session', sessionId),
      a: messageCursor,
    });
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('usage report', () => {
  let u: Team;
  beforeAll(async () => {
    u = await team(`hist-u-${process.pid}`);
    const sessionId = await seed(u);
    // Three turns on two days: durations 1 s, 2 s, 40 s; one failed, one priced by the mock model.
    const day1 = Date.UTC(2026, 0, 10, 10, 30);
    const day2 = Date.UTC(2026, 0, 11, 23, 15);
    const turns: [number, number, 'COMPLETED' | 'FAILED', string | null][] = [
      [day1, 1_000, 'COMPLETED', 'gpt-x'],
      [day1 + 3_600_000, 2_000, 'FAILED', 'gpt-x'],
      [day2, 40_000, 'COMPLETED', 'paddock-mock'],
    ];
    for (const [end, ms, status, model] of turns) {
      const userMessageId = newId();
      await db.message.create({ data: { id: userMessageId, sessionId, role: 'USER', content: 'go' } });
      const turnId = newId();
      await db.turn.create({ data: { id: turnId, sessionId, userMessageId, status, startedAt: new Date(end - ms), endedAt: new Date(end) } });
      const usage = { inputTokens: 100, outputTokens: 20 };
      const costUsd = t.platform.services.prices.costUsd(model, usage);
      await db.$transaction(
        recordTurnEnd(db, { turnId, sessionId, status, endedAt: new Date(end), model, usage, costUsd, toolCalls: ['run_command', 'run_command'] }),
      );
    }
  });
  type Row = {
    day: string | null;
    hour: string | null;
    model: string | null;
    turns: number;
    failedTurns: number;
    totalTokens: number;
    toolCalls: number;
    costUsd: number;
    unpricedTurns: number;
    p50DurationMs: number;
    p95DurationMs: number;
  };
  const report = async (groupBy: string, from: string, to: string) =>
    (
      await u.viewer.ok<{ usageReport: Row[] }>(
        `query($f: DateTime!, $t: DateTime!) { usageReport(groupBy: [${groupBy}], from: $f, to: $t) { day hour model turns failedTurns totalTokens toolCalls costUsd unpricedTurns p50DurationMs p95DurationMs } }`,
        { f: from, t: to },
      )
    ).usageReport;

  it('groups by day and model from the rollup, with turn-duration percentiles', async () => {
    const rows = await report('DAY, MODEL', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    expect(rows.map((r) => [r.day, r.model, r.turns, r.failedTurns, r.totalTokens, r.toolCalls, r.unpricedTurns, r.costUsd])).toEqual([
      ['2026-01-10T00:00:00.000Z', 'gpt-x', 2, 1, 240, 4, 2, 0],
      // test/prices.yaml: 100 input tokens at $1 and 20 output tokens at $2 per million.
      ['2026-01-11T00:00:00.000Z', 'paddock-mock', 1, 0, 120, 2, 0, (100 * 1 + 20 * 2) / 1_000_000],
    ]);
    const [first] = rows;
    // Within the ±9 % of a logarithmic bucket.
    expect(first!.p50DurationMs).toBeGreaterThan(910);
    expect(first!.p50DurationMs).toBeLessThan(1090);
    expect(first!.p95DurationMs).toBeGreaterThan(1820);
    expect(first!.p95DurationMs).toBeLessThan(2180);
  });

  it('adds up hours at the edges of a range to the days in between', async () => {
    const all = await report('', '2026-01-10T11:00:00Z', '2026-01-12T00:00:00Z');
    expect(all).toEqual([expect.objectContaining({ day: null, hour: null, turns: 2, failedTurns: 1 })]);
    const hours = await report('HOUR', '2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z');
    expect(hours.map((r) => [r.hour, r.turns])).toEqual([
      ['2026-01-10T10:00:00.000Z', 1],
      ['2026-01-10T11:00:00.000Z', 1],
    ]);
  });

  it('says what to fix for a bad range', async () => {
    const q = `query($f: DateTime!, $t: DateTime!) { usageReport(groupBy: [DAY], from: $f, to: $t) { turns } }`;
    expect((await u.viewer.error(q, { f: '2026-01-10T10:30:00Z', t: '2026-01-11T00:00:00Z' })).message).toMatch(/whole hour/);
    expect((await u.viewer.error(q, { f: '2026-01-11T00:00:00Z', t: '2026-01-10T00:00:00Z' })).message).toMatch(/earlier/);
    expect((await u.viewer.error(q, { f: '2020-01-01T00:00:00Z', t: '2026-01-10T00:00:00Z' })).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads percentiles back from histograms', () => {
    const h = new Array<number>(64).fill(0);
    expect(histogramPercentile(h, 0.5)).toBeNull();
    h[0] = 1;
    expect(histogramPercentile(h, 0.5)).toBe(50);
    h[63] = 3;
    expect(histogramPercentile(h, 0.95)).toBeGreaterThan(3_000_000);
  });
});

describe('export', () => {
  let e: Team;
  let validate: (line: unknown) => boolean;
  let errors: () => string;
  const sessions: string[] = [];
  beforeAll(async () => {
    e = await team(`hist-e-${process.pid}`);
    for (let i = 0; i < 7; i++) {
      sessions.push(
        await seed(e, {
          title: `export ${i}`,
          lastActiveAt: new Date(Date.UTC(2026, 0, 1 + i)),
          messages: [
            { role: 'USER', content: `question ${i}` },
            { content: `answer ${i}`, toolCalls: [{ id: `c${i}`, name: 'run_command', input: { command: 'ls' }, output: 'a\nb', isError: false }] },
            { role: 'TOOL', content: 'a\nb' },
          ],
        }),
      );
    }
    const userMessageId = (await db.message.findFirstOrThrow({ where: { sessionId: sessions[0]!, role: 'USER' } })).id;
    await db.turn.create({
      data: {
        id: newId(),
        sessionId: sessions[0]!,
        userMessageId,
        status: 'COMPLETED',
        model: 'gpt-x',
        inputTokens: 5,
        outputTokens: 6,
        toolCalls: 1,
        startedAt: new Date(),
        endedAt: new Date(),
      },
    });
    await seed(B, { title: 'b-secret-export', lastActiveAt: new Date(Date.UTC(2026, 0, 3)), messages: [{ content: 'b-secret-export' }] });
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const compiled = ajv.compile(JSON.parse(await readFile(path.resolve(SERVER, '../docs/export-line.schema.json'), 'utf8')));
    validate = (line) => compiled(line);
    errors = () => ajv.errorsText(compiled.errors);
  });

  const get = (query: string, key: string | null = e.viewerKey) =>
    fetch(`${t.url}/export/sessions.ndjson?${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const lines = async (query: string, key?: string | null) => {
    const res = await get(query, key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    return (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; cursor: string; title: string; messages: unknown[]; turns: unknown[] });
  };

  it('streams one schema-valid line per session of the window, with messages, tool calls and turns, to a VIEWER key', async () => {
    const got = await lines('since=2026-01-01&until=2026-01-08');
    expect(got.map((l) => l.id)).toEqual(sessions);
    for (const line of got) expect(validate(line), errors()).toBe(true);
    expect(got[0]!.messages).toHaveLength(3);
    expect(got[0]!.turns).toEqual([
      expect.objectContaining({ status: 'COMPLETED', model: 'gpt-x', usage: { inputTokens: 5, outputTokens: 6, costUsd: null } }),
    ]);
    expect((await lines('since=2026-01-03&until=2026-01-05')).map((l) => l.title)).toEqual(['export 2', 'export 3']);
    // Each export is on the team's audit log, with the window it asked for.
    const exports = await waitFor('the export audit entries', async () => {
      const found = await audited(e, 'session.export');
      return found.length >= 2 ? found : null;
    });
    expect(exports.map((x) => x.detail)).toContainEqual({ since: '2026-01-03T00:00:00.000Z', until: '2026-01-05T00:00:00.000Z' });
  });

  it('resumes after the line whose cursor it is given', async () => {
    const all = await lines('since=2026-01-01&until=2026-01-08');
    const rest = await lines(`since=2026-01-01&until=2026-01-08&cursor=${all[2]!.cursor}`);
    expect(rest.map((l) => l.id)).toEqual(sessions.slice(3));
  });

  it("never includes another team's sessions", async () => {
    const text = await (await get('since=2020-01-01')).text();
    expect(text).not.toContain('b-secret-export');
    const theirs = await lines('since=2020-01-01', B.viewerKey);
    expect(theirs.map((l) => l.title)).toContain('b-secret-export');
    expect(theirs.map((l) => l.id)).not.toContain(sessions[0]);
  });

  it('refuses bad parameters and missing keys with a JSON error', async () => {
    for (const [query, key, status, code] of [
      ['since=yesterday', e.viewerKey, 400, 'BAD_USER_INPUT'],
      ['since=2026-02-01&until=2026-01-01', e.viewerKey, 400, 'BAD_USER_INPUT'],
      ['cursor=zzz', e.viewerKey, 400, 'BAD_USER_INPUT'],
      ['since=2026-01-01', null, 401, 'UNAUTHENTICATED'],
      ['since=2026-01-01', 'pdk_not_a_real_key_000000000000000', 401, 'UNAUTHENTICATED'],
    ] as const) {
      const res = await get(query, key);
      expect(res.status, query).toBe(status);
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe(code);
    }
  });

  it('pnpm paddock export writes the same lines', { timeout: 180_000 }, async () => {
    const { code, stdout, stderr } = await runPaddock(
      { DATABASE_URL: t.platform.databaseUrl, PADDOCK_DATA_DIR: t.dataDir },
      'export',
      '--since',
      '2026-01-01',
      '--until',
      '2026-01-08',
      '--team',
      e.name,
    );
    expect(code, stderr).toBe(0);
    const http = await (await get('since=2026-01-01&until=2026-01-08')).text();
    expect(stdout).toBe(http);
  });
});

describe('retention', () => {
  let r: Team;
  const policy = '{ retention { compactDeltasAfterDays deleteSessionsAfterDays lastRunAt compactedTurns deletedSessions } }';
  beforeAll(async () => {
    r = await team(`hist-r-${process.pid}`);
  });

  it('is read by any key of the team and set by its ADMIN only, within bounds', async () => {
    expect((await r.viewer.ok<{ retention: unknown }>(policy)).retention).toMatchObject({
      compactDeltasAfterDays: null,
      deleteSessionsAfterDays: null,
      compactedTurns: 0,
    });
    const set =
      'mutation($c: Int, $d: Int) { setRetention(input: { compactDeltasAfterDays: $c, deleteSessionsAfterDays: $d }) { compactDeltasAfterDays deleteSessionsAfterDays } }';
    expect((await r.member.error(set, { c: 7 })).extensions?.code).toBe('FORBIDDEN');
    expect((await r.viewer.error(set, { c: 7 })).extensions?.code).toBe('FORBIDDEN');
    for (const bad of [0, -3, 100_000])
      expect((await r.admin.error(set, { c: bad })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.compactDeltasAfterDays' });
    // Housekeeping applies it from here on.
    expect((await r.admin.ok<{ setRetention: unknown }>(set, { c: 7, d: 30 })).setRetention).toEqual({
      compactDeltasAfterDays: 7,
      deleteSessionsAfterDays: 30,
    });
    const entries = await audited(r, 'retention.set');
    expect(entries.filter((e) => e.outcome === 'SUCCESS')).toEqual([
      { outcome: 'SUCCESS', detail: { compactDeltasAfterDays: 7, deleteSessionsAfterDays: 30 } },
    ]);
    expect(entries.map((e) => e.outcome)).toEqual(expect.arrayContaining(['DENIED', 'FAILURE']));
  });

  it("compacts old turns' deltas into one message.completed each, deletes long-idle sessions, and leaves the rest", async () => {
    const old = new Date(Date.now() - 10 * DAY);
    const compacted = await seed(r, { lastActiveAt: old });
    const userMessageId = newId();
    const finished = newId();
    const cancelled = newId();
    await db.message.createMany({
      data: [
        { id: userMessageId, sessionId: compacted, role: 'USER', content: 'hi' },
        { id: finished, sessionId: compacted, role: 'ASSISTANT', content: 'Hello there' },
        { id: cancelled, sessionId: compacted, role: 'ASSISTANT', content: 'Half a rep', status: 'CANCELLED' },
      ],
    });
    const log = [
      { type: 'user.message', messageId: userMessageId },
      { type: 'message.delta', messageId: finished, delta: 'Hello' },
      { type: 'message.delta', messageId: finished, delta: ' there' },
      { type: 'message.completed', messageId: finished, payload: { content: 'Hello there' } },
      { type: 'message.delta', messageId: cancelled, delta: 'Half' },
      { type: 'message.delta', messageId: cancelled, delta: ' a rep' },
      { type: 'turn.cancelled' },
    ];
    await db.sessionEvent.createMany({ data: log.map((e, i) => ({ sessionId: compacted, seq: i + 1, ...e })) });
    // The turn last: housekeeping runs meanwhile, and a finished turn is what it compacts.
    await db.turn.create({ data: { id: newId(), sessionId: compacted, userMessageId, status: 'CANCELLED', startedAt: old, endedAt: old } });
    const recent = await seed(r, { lastActiveAt: new Date() });
    const doomed = await seed(r, { lastActiveAt: new Date(Date.now() - 40 * DAY), messages: [{ content: 'forgotten' }] });

    const state = await waitFor('housekeeping to apply the policy', async () => {
      const data = await r.viewer.ok<{ retention: { compactedTurns: number; deletedSessions: number; lastRunAt: string | null } }>(policy);
      return data.retention.compactedTurns >= 1 && data.retention.deletedSessions >= 1 ? data.retention : null;
    });
    expect(state.lastRunAt).not.toBeNull();

    const events = await r.viewer.ok<{
      session: { eventsConnection: { edges: { node: { seq: number; type: string; delta: string | null; payload: { content?: string } | null } }[] } };
    }>(`query($s: ID!) { session(id: $s) { eventsConnection(first: 50) { edges { node { seq type delta payload } } } } }`, {
      s: encodeGlobalId('Session', compacted),
    });
    expect(events.session.eventsConnection.edges.map((e) => [e.node.seq, e.node.type, e.node.payload?.content ?? null])).toEqual([
      [1, 'user.message', null],
      [4, 'message.completed', 'Hello there'],
      [5, 'message.completed', 'Half a rep'],
      [7, 'turn.cancelled', null],
    ]);
    expect(await db.session.count({ where: { id: doomed } })).toBe(0);
    expect(await db.message.count({ where: { sessionId: doomed } })).toBe(0);
    expect(await db.session.count({ where: { id: { in: [compacted, recent] } } })).toBe(2);
    expect((await db.turn.findFirstOrThrow({ where: { sessionId: compacted } })).compactedAt).not.toBeNull();
    const applied = await audited(r, 'retention.apply');
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.map((e) => e.detail)).toContainEqual(expect.objectContaining({ compactedTurns: 1 }));
    expect(applied.map((e) => e.detail)).toContainEqual(expect.objectContaining({ deletedSessions: 1 }));
  });
});

describe('hot reads use their indexes', () => {
  /**
   * The statements a store function sends, captured from a stand-in pool (its queries find
   * nothing), then replayed on the real database with the SELECT at `which` EXPLAINed under
   * the same settings the function made.
   */
  async function plan(run: (capture: pg.Pool) => Promise<unknown>, which: 'first' | 'last' = 'last'): Promise<string> {
    const sent: { text: string; values: unknown[] }[] = [];
    // Plain text and values, or a prepared statement's config.
    const query = async (text: string | pg.QueryConfig, values: unknown[] = []) => {
      sent.push(typeof text === 'string' ? { text, values: [...values] } : { text: text.text, values: [...(text.values ?? [])] });
      return { rows: [], rowCount: 0 };
    };
    const capture = { query, connect: async () => ({ query, release: () => undefined }) } as unknown as pg.Pool;
    await run(capture);
    const selects = sent.filter((s) => /^\s*(SELECT|WITH)/i.test(s.text));
    const target = which === 'first' ? selects[0]! : selects.at(-1)!;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Test tables are small, so the planner would rightly scan them; make it show what it would use at scale.
      await client.query('SET LOCAL enable_seqscan = off');
      for (const statement of sent) {
        if (statement === target) break;
        if (/^\s*(SET|RESET)/i.test(statement.text)) await client.query(statement.text);
      }
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${target.text}`, target.values);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }
  const window = { after: newId(), before: undefined, limit: 101, backward: false };
  const noSeqScan = (text: string, tables: string[]) => {
    for (const table of tables) expect(text, text).not.toMatch(new RegExp(`Seq Scan on "${table}"`));
  };

  it('a message page deep in a session: (sessionId, id)', async () => {
    const text = await plan((p) => messagePage(p, newId(), window));
    expect(text).toMatch(/Index Scan using "Message_sessionId_id_idx"/);
  });

  it('events after a seq: the log primary key', async () => {
    const text = await plan((p) => eventPage(p, newId(), { after: 100, upTo: 10_000, limit: 100 }));
    expect(text).toMatch(/Index Scan using "SessionEvent_pkey"/);
  });

  it('session lists by order and filter', async () => {
    const team = newId();
    expect(await plan((p) => listSessions(p, team, {}, { field: 'CREATED_AT', direction: 'DESC' }, window))).toMatch(
      /Session_teamId_id_idx|Session_teamId_status_id_idx/,
    );
    expect(await plan((p) => listSessions(p, team, {}, { field: 'LAST_ACTIVE_AT', direction: 'DESC' }, window))).toMatch(/Session_teamId_lastActiveAt_id_idx/);
    expect(await plan((p) => listSessions(p, team, {}, { field: 'TOTAL_TOKENS', direction: 'ASC' }, window))).toMatch(/Session_teamId_totalTokens_id_idx/);
    expect(await plan((p) => listSessions(p, team, {}, { field: 'COST', direction: 'DESC' }, window))).toMatch(/Session_teamId_costUsd_id_idx/);
    const byTool = await plan((p) => listSessions(p, team, { toolName: 'kubectl' }, { field: 'CREATED_AT', direction: 'DESC' }, window));
    expect(byTool).toMatch(/Session_toolNames_idx|Session_teamId_id_idx/);
    noSeqScan(byTool, ['Session']);
    const byTitle = await plan((p) => listSessions(p, team, { search: 'backup' }, { field: 'CREATED_AT', direction: 'DESC' }, window));
    noSeqScan(byTitle, ['Session']);
  });

  it('search: the GIN text index, and the trigram index for substrings', async () => {
    const team = newId();
    // Matches are collected through the GIN indexes alone, whatever the planner thinks of the words.
    const fts = await plan((p) => searchMessages(p, team, { query: 'kubectl delete', pattern: null }, {}, window), 'first');
    expect(fts).toMatch(/Bitmap Index Scan on "Message_searchVector_idx"/);
    noSeqScan(fts, ['Message', 'Session']);
    const trigram = await plan((p) => searchMessages(p, team, { query: '/var/log/app.log', pattern: '/var/log/app.log' }, {}, window), 'first');
    expect(trigram).toMatch(/Bitmap Index Scan on "Message_content_idx"/);
    expect(trigram).toMatch(/Bitmap Index Scan on "Message_searchVector_idx"/);
    noSeqScan(trigram, ['Message', 'Session']);
    // The page is then cut from those matches by primary key.
    const page = await plan((p) => searchMessages(p, team, { query: 'kubectl delete', pattern: null }, {}, window));
    expect(page).toMatch(/Message_pkey/);
    noSeqScan(page, ['Message', 'Session']);
  });

  it('the usage report: the rollup primary key', async () => {
    const text = await plan((p) =>
      usageGroups(p, newId(), new Date('2026-01-01T05:00:00Z'), new Date('2026-01-31T00:00:00Z'), new Set(['AGENT'] as const), {}),
    );
    expect(text).toMatch(/UsageRollup_pkey/);
    noSeqScan(text, ['UsageRollup']);
  });
});
