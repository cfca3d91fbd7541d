/**
 * `pnpm bench:api`: GraphQL read throughput and latency at 32 concurrent clients
 * against a real API process over the embedded PostgreSQL.
 *
 *   (a) session.messages(first: 100, after: <cursor deep in a 10,000-message history>)
 *   (b) agents(first: 50)
 *   (c) { __typename } — the framework's own ceiling on the same server
 *
 * Options: --concurrency 32 --seconds 10 --messages 10000 --processes 1 (API processes)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../src/db/client.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { encodeGlobalId } from '../src/ids/global-id.ts';
import { newId } from '../src/ids/index.ts';
import { createLogger } from '../src/log/index.ts';
import { generateApiKey, hashApiKey, keyPrefix } from '../src/auth/keys.ts';
import { closedLoop, graphqlPoster } from './graphql-load.ts';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '1' },
    only: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    messages: { type: 'string', default: '10000' },
  },
});
const CONCURRENCY = Number(values.concurrency);
/** One key drives the whole load: lift the per-key request rate the bench would otherwise measure. */
const BENCH_LIMITS = { PADDOCK_KEY_REQUESTS_PER_SECOND: '1000000' };
const SECONDS = Number(values.seconds);
const MESSAGES = Number(values.messages);
const log = createLogger('bench', 'warn');

type Result = { name: string; requests: number; errors: number; rps: number; p50: number; p99: number; max: number };

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-bench-api-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, log, port: 0 });
  let api: ChildProcess | undefined;
  try {
    await migrate(pg.databaseUrl, log);
    // The bench's own team key, never the admin key the API seeds at startup: each API
    // process seeds that one, and the bench must not race them for its row.
    const key = generateApiKey();
    const { sessionGlobalId, cursors } = await seed(pg.databaseUrl, key);
    const port = 4100 + Math.floor(Math.random() * 800);
    api = spawn(
      process.execPath,
      [
        ...(process.env.PADDOCK_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.PADDOCK_BENCH_PROFILE] : []),
        '--import',
        'tsx',
        path.resolve(import.meta.dirname, '../src/bin/api.ts'),
      ],
      {
        cwd: path.resolve(import.meta.dirname, '..'),
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: pg.databaseUrl,
          PORT: String(port),
          HOST: '127.0.0.1',
          PADDOCK_DATA_DIR: dir,
          PADDOCK_ADMIN_KEY: generateApiKey(),
          PADDOCK_LOG_LEVEL: 'warn',
          PADDOCK_API_PROCESSES: values.processes,
          ...BENCH_LIMITS,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitReady(port, key);

    const agentsQuery =
      '{ agents(first: 50) { edges { cursor node { id name description model harness { name } envVarNames createdAt updatedAt } } pageInfo { hasNextPage endCursor } } }';
    const messagesQuery =
      'query($s: ID!, $after: String) { session(id: $s) { messages(first: 100, after: $after) { edges { cursor node { id role content status createdAt completedAt } } pageInfo { hasNextPage endCursor } } } }';
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const post = graphqlPoster(port, key, agent);

    const bodies = {
      messages: () => JSON.stringify({ query: messagesQuery, variables: { s: sessionGlobalId, after: cursors[Math.floor(Math.random() * cursors.length)] } }),
      agents: () => JSON.stringify({ query: agentsQuery }),
      typename: () => JSON.stringify({ query: '{ __typename }' }),
    };
    // Check once that each query really answers what it should.
    const sampleText = await post(bodies.messages());
    const sample = JSON.parse(sampleText) as { data: { session: { messages: { edges: unknown[] } } } };
    if (sample.data?.session?.messages.edges.length !== 100) throw new Error(`messages query returned ${sampleText.slice(0, 300)}`);
    const agents = JSON.parse(await post(bodies.agents())) as { data: { agents: { edges: unknown[] } } };
    if (agents.data.agents.edges.length !== 50) throw new Error('agents query returned the wrong page');

    const results: Result[] = [];
    for (const [name, body] of [
      ['(a) session.messages(first: 100) deep via cursor', bodies.messages],
      ['(b) agents(first: 50)', bodies.agents],
      ['(c) { __typename }', bodies.typename],
    ] as const) {
      if (values.only && !name.startsWith(`(${values.only})`)) continue;
      await closedLoop(post, body, 2, CONCURRENCY); // warm-up: JIT, pools, caches
      results.push({ name, ...(await closedLoop(post, body, SECONDS, CONCURRENCY)) });
    }
    agent.destroy();
    report(results);
  } finally {
    api?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function seed(databaseUrl: string, key: string) {
  const db = createDb(databaseUrl);
  const teamId = newId();
  await db.team.create({ data: { id: teamId, name: 'bench' } });
  await db.apiKey.create({ data: { id: newId(), teamId, name: 'bench', role: 'ADMIN', prefix: keyPrefix(key), hash: hashApiKey(key) } });
  await db.harness.create({ data: { name: 'chat', definition: {} } });
  const agentIds: string[] = [];
  for (let i = 0; i < 60; i++) {
    const id = newId();
    agentIds.push(id);
    await db.agent.create({
      data: {
        id,
        teamId,
        name: `agent-${i}`,
        description: `Bench agent ${i}`,
        harnessName: 'chat',
        model: 'paddock-mock',
        secrets: { create: [{ name: 'API_TOKEN', ciphertext: 'v1:x:y:z' }] },
      },
    });
  }
  const sessionId = newId();
  await db.session.create({ data: { id: sessionId, teamId, agentId: agentIds[0]!, title: 'long history' } });
  const start = Date.now() - MESSAGES * 1000;
  const ids: string[] = [];
  for (let offset = 0; offset < MESSAGES; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, MESSAGES - offset) }, (_, j) => {
      const i = offset + j;
      const id = newId(start + i * 1000);
      ids.push(id);
      return {
        id,
        sessionId,
        role: i % 2 ? ('ASSISTANT' as const) : ('USER' as const),
        content: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}`,
        completedAt: new Date(start + i * 1000),
      };
    });
    await db.message.createMany({ data: batch });
  }
  await db.$disconnect();
  // Cursors deep in the history: pages from the middle to near the end.
  const cursors = ids.slice(Math.floor(MESSAGES / 2), MESSAGES - 100).map((id) => Buffer.from(`c:${id}`).toString('base64url'));
  return { sessionGlobalId: encodeGlobalId('Session', sessionId), cursors };
}

async function waitReady(port: number, key: string) {
  const deadline = Date.now() + 60_000;
  let accepted = 0;
  while (Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    const authenticated =
      ready &&
      (await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      }).then(
        async (r) => r.ok && !((await r.json()) as { errors?: unknown[] }).errors,
        () => false,
      ));
    accepted = authenticated ? accepted + 1 : 0;
    // Several answers in a row: connections are spread over the API processes.
    if (accepted >= 10) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('API did not become ready');
}

function report(results: Result[]) {
  const [a, b, c] = results as [Result, Result, Result];
  if (!a || !b || !c) {
    for (const r of results) console.log(r);
    return;
  }
  const row = (r: Result) =>
    `${r.name.padEnd(52)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   max ${r.max.toFixed(1).padStart(7)} ms   errors ${r.errors}`;
  console.log(
    `\nPaddock API benchmark — ${CONCURRENCY} concurrent clients, ${SECONDS} s per query, ${MESSAGES} messages, ${values.processes} API process(es), ${os.cpus().length} CPUs, Node ${process.version}\n`,
  );
  for (const r of results) console.log(row(r));
  console.log(`\nthroughput ratio (a)/(c): ${(a.rps / c.rps).toFixed(3)}`);
  console.log(`throughput ratio (b)/(c): ${(b.rps / c.rps).toFixed(3)}`);
  console.log(`goal: p99 of (a) < 25 ms — ${a.p99 < 25 ? 'met' : 'NOT met'} (${a.p99.toFixed(2)} ms)\n`);
}

await main();
