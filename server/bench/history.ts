/**
 * `pnpm bench:history`: session history at scale. Seeds 10,000 sessions, 1,000,000
 * messages and 5,000,000 events (one session holds 10,000 messages) with set-based SQL,
 * starts a real API process, and measures at 32 concurrent clients, with p50/p99 and
 * throughput as a ratio to `{ __typename }` on the same server:
 *
 *   (a) session.messages(first: 100) deep in the 10,000-message session
 *   (b) search for a rare term and for a common one
 *   (c) sessions filtered by tool name
 *   (d) usageReport over 30 days grouped by AGENT
 *   (e) GET /export/sessions.ndjson of 100, 1,000 and 5,000 sessions: MB/s and the API's peak RSS
 *
 * Each query also reports the CPU-ms per request of the API, PostgreSQL and the load client,
 * which a busy machine hardly moves.
 *
 * Options: --sessions 10000 --messages 1000000 --concurrency 32 --seconds 10 --only a|b|c|d|e
 * --cpu-prof (write a V8 CPU profile of the API to bench/results/; summarise it with bench/profile-summary.ts)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateApiKey, hashApiKey, keyPrefix } from '../src/auth/keys.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { encodeGlobalId } from '../src/ids/global-id.ts';
import { newId } from '../src/ids/index.ts';
import { createLogger } from '../src/log/index.ts';
import { closedLoop, graphqlPoster } from './graphql-load.ts';
import { cpuBetween, embeddedPostmaster, postgresCpu, snapshotCpu, type CpuTarget } from './stream/procs.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const SESSIONS = Number(values.sessions);
const MESSAGES = Number(values.messages);
const DEEP = Math.min(10_000, Math.floor(MESSAGES / 10));
const EVENTS_PER_MESSAGE = 5;
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const log = createLogger('bench', 'warn');
const RESULTS_DIR = path.resolve(import.meta.dirname, 'results');

const RARE = 'quokkaflux';
const COMMON = 'deploy';
const RARE_TOOL = 'terraform';
const TOOLS = ['kubectl', 'run_command', 'read_file', 'write_file', 'list_files', 'http_get', 'psql', 'git'];
const VOCABULARY = (
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu ' +
  'server client request response latency throughput cache index query table column row schema migration rollback release version branch commit merge review ' +
  'error warning failure timeout retry backoff queue worker job schedule cron pipeline build test lint format bundle package module import export function ' +
  'cluster node pod container image registry volume secret config service ingress gateway proxy network firewall route domain certificate token session user ' +
  'memory disk cpu load metric trace span log alert dashboard incident outage postmortem runbook oncall pager escalation fix patch hotfix backlog ticket sprint'
).split(' ');

/** CPU-ms per request of the API, PostgreSQL and the load client: unlike latency, hardly moved by a busy machine. */
type CpuPerRequest = { api: number; postgres: number; client: number };
type Result = { name: string; requests: number; errors: number; rps: number; p50: number; p99: number; cpu: CpuPerRequest };

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-bench-history-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, log, port: 0 });
  let api: ChildProcess | undefined;
  try {
    await migrate(db.databaseUrl, log);
    const key = generateApiKey();
    const seeded = Date.now();
    const s = await seed(db.databaseUrl, key);
    const seedSeconds = (Date.now() - seeded) / 1000;

    const port = 4100 + Math.floor(Math.random() * 800);
    const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS_DIR}`, `--cpu-prof-name=history-api-${Date.now()}.cpuprofile`] : [];
    api = spawn(process.execPath, [...profile, '--import', 'tsx', path.resolve(import.meta.dirname, '../src/bin/api.ts')], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        PADDOCK_DATA_DIR: dir,
        PADDOCK_ADMIN_KEY: key,
        PADDOCK_LOG_LEVEL: 'warn',
        PADDOCK_KEY_REQUESTS_PER_SECOND: '1000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitReady(port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const post = graphqlPoster(port, key, agent);

    const hour = 3_600_000;
    const to = new Date(Math.floor(Date.now() / hour) * hour + hour);
    const from = new Date(to.getTime() - 30 * 86_400_000);
    const gql =
      (query: string, variables: Record<string, unknown> = {}) =>
      () =>
        JSON.stringify({ query, variables });
    const messages = () =>
      JSON.stringify({
        query:
          'query($s: ID!, $after: String) { session(id: $s) { messages(first: 100, after: $after) { edges { cursor node { id role content status createdAt completedAt } } pageInfo { hasNextPage endCursor } } } }',
        variables: { s: s.deepSession, after: s.cursors[Math.floor(Math.random() * s.cursors.length)] },
      });
    const search = (q: string) =>
      gql(
        'query($q: String!) { search(query: $q, first: 20) { edges { node { snippet rank message { id role } session { id } } } pageInfo { hasNextPage endCursor } } }',
        { q },
      );
    const scenarios: [string, () => string, (text: string) => boolean][] = [
      [
        '(a) messages(first: 100) deep in 10,000',
        messages,
        (t) => (JSON.parse(t) as { data: { session: { messages: { edges: unknown[] } } } }).data.session.messages.edges.length === 100,
      ],
      [`(b) search rare "${RARE}"`, search(RARE), (t) => (JSON.parse(t) as { data: { search: { edges: unknown[] } } }).data.search.edges.length > 0],
      [`(b) search common "${COMMON}"`, search(COMMON), (t) => (JSON.parse(t) as { data: { search: { edges: unknown[] } } }).data.search.edges.length === 20],
      [
        `(c) sessions(toolName: "${RARE_TOOL}")`,
        gql(`{ sessions(first: 20, filter: { toolName: "${RARE_TOOL}" }) { edges { node { id title toolNames usage { totalTokens } } } } }`),
        (t) => (JSON.parse(t) as { data: { sessions: { edges: unknown[] } } }).data.sessions.edges.length > 0,
      ],
      [
        '(c) sessions(toolName: "kubectl")',
        gql('{ sessions(first: 20, filter: { toolName: "kubectl" }) { edges { node { id title toolNames usage { totalTokens } } } } }'),
        (t) => (JSON.parse(t) as { data: { sessions: { edges: unknown[] } } }).data.sessions.edges.length === 20,
      ],
      [
        '(d) usageReport 30 days x AGENT',
        gql(
          'query($f: DateTime!, $t: DateTime!) { usageReport(groupBy: [AGENT], from: $f, to: $t) { agentId turns failedTurns totalTokens costUsd p50DurationMs p95DurationMs } }',
          { f: from.toISOString(), t: to.toISOString() },
        ),
        (t) => (JSON.parse(t) as { data: { usageReport: unknown[] } }).data.usageReport.length > 0,
      ],
      ['    { __typename }', gql('{ __typename }'), (t) => t.includes('Query')],
    ];

    const targets: CpuTarget[] = [{ name: 'api', pids: [api.pid!] }, postgresCpu(await embeddedPostmaster(dir))];
    const results: Result[] = [];
    for (const [name, body, check] of scenarios) {
      if (values.only && !name.includes(`(${values.only})`) && !name.includes('__typename')) continue;
      const sample = await post(body());
      if (!check(sample)) throw new Error(`${name} answered ${sample.slice(0, 400)}`);
      await closedLoop(post, body, 2, CONCURRENCY);
      const before = { procs: snapshotCpu(targets), client: process.cpuUsage() };
      const run = await closedLoop(post, body, SECONDS, CONCURRENCY);
      const spent = cpuBetween(before.procs, snapshotCpu(targets));
      const client = process.cpuUsage(before.client);
      const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, run.requests);
      results.push({
        name,
        ...run,
        cpu: { api: perRequest(spent.api ?? 0), postgres: perRequest(spent.postgres ?? 0), client: perRequest((client.user + client.system) / 1e6) },
      });
    }
    agent.destroy();

    const exports: { sessions: number; mb: number; seconds: number; peakRssMb: number; baseRssMb: number }[] = [];
    if (!values.only || values.only === 'e') {
      for (const n of [100, 1_000, 5_000].map((n) => Math.min(n, SESSIONS))) exports.push(await exportRun(port, key, api.pid!, s.windows(n), n));
    }
    report(results, exports, seedSeconds);
  } finally {
    // The API writes its CPU profile as it exits, so it gets to exit before the database stops.
    const exited = api && api.exitCode === null ? new Promise((r) => api!.once('exit', r)) : null;
    api?.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, values['cpu-prof'] ? 15_000 : 500))]);
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function seed(databaseUrl: string, key: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // the database stops under it when a step fails
  await client.connect();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const started = Date.now();
    const res = await client.query(sql, params);
    process.stderr.write(`  seed: ${label} (${res.rowCount ?? 0} rows) ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  };
  const teamId = newId();
  const perSession = Math.floor((MESSAGES - DEEP) / (SESSIONS - 1));
  await client.query('INSERT INTO "Team" (id, name) VALUES ($1, $2), ($3, $4)', [teamId, 'bench', newId(), 'other']);
  await client.query('INSERT INTO "ApiKey" (id, "teamId", name, role, prefix, hash) VALUES ($1, $2, $3, $4, $5, $6)', [
    newId(),
    teamId,
    'bench',
    'ADMIN',
    keyPrefix(key),
    hashApiKey(key),
  ]);
  await client.query(`INSERT INTO "Harness" (name, definition, "updatedAt") VALUES ('chat', '{}', now())`);
  await client.query('SET synchronous_commit = off');
  // Bulk load: no foreign-key triggers, and indexes built once at the end instead of row by row.
  await client.query("SET session_replication_role = replica; SET maintenance_work_mem = '512MB'");
  const deferred = (
    await client.query<{ def: string; name: string; constraint: boolean }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def, c.relname AS name, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS "constraint"
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid IN ('"Message"'::regclass, '"SessionEvent"'::regclass, '"Turn"'::regclass)`,
    )
  ).rows;
  const rebuild = async (table: string) => {
    for (const index of deferred.filter((i) => i.name.startsWith(`${table}_`))) {
      await step(`index ${index.name}`, index.def);
      if (index.constraint) await client.query(`ALTER TABLE "${table}" ADD CONSTRAINT "${index.name}" PRIMARY KEY USING INDEX "${index.name}"`);
    }
  };
  for (const index of deferred) {
    await client.query(
      index.constraint
        ? `ALTER TABLE ${index.name.startsWith('Message') ? '"Message"' : index.name.startsWith('Turn') ? '"Turn"' : '"SessionEvent"'} DROP CONSTRAINT "${index.name}"`
        : `DROP INDEX "${index.name}"`,
    );
  }
  await step(
    'agents',
    `INSERT INTO "Agent" (id, "teamId", name, "harnessName", model, "updatedAt")
     SELECT uuidv7(), $1, 'agent-' || g, 'chat', (ARRAY['gpt-4o', 'claude-sonnet', 'paddock-mock'])[1 + g % 3], now() FROM generate_series(0, 19) g`,
    [teamId],
  );
  // Session n was created n/S of the way through the last 60 days; session 0 is the deep one.
  await step(
    'sessions',
    `INSERT INTO "Session" (id, "teamId", "agentId", title, status, "createdAt", "lastActiveAt")
     SELECT uuidv7(c - now()), $1, a.id, 'session ' || n || ' ' || ($3::text[])[1 + n % cardinality($3::text[])], 'IDLE', c,
            least(now(), c + ((n * 7919) % 72) * interval '1 hour')
     FROM generate_series(0, $2 - 1) n
     CROSS JOIN LATERAL (SELECT now() - interval '60 days' + n * (interval '60 days' / $2) AS c) t
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM "Agent" WHERE "teamId" = $1) a ON a.k = n % 20`,
    [teamId, SESSIONS, VOCABULARY],
  );
  await step(
    'numbering',
    `CREATE TEMP TABLE bench_sessions AS SELECT id, "createdAt", row_number() OVER (ORDER BY id) - 1 AS n FROM "Session" WHERE "teamId" = $1`,
    [teamId],
  );
  // Message i of a session: USER when i % 3 = 0, ASSISTANT (with a tool call) when 1, TOOL when 2.
  await step(
    'messages',
    `INSERT INTO "Message" (id, "sessionId", role, content, status, "toolCalls", "toolCallId", model, "inputTokens", "outputTokens", "createdAt", "completedAt")
     SELECT uuidv7(at - now()), s.id,
       (ARRAY['USER', 'ASSISTANT', 'TOOL'])[1 + i % 3]::"MessageRole",
       CASE i % 3
         WHEN 2 THEN 'pod/web-' || i || ' deleted; see /var/log/app-' || s.n || '.log'
         ELSE (CASE WHEN i % 3 = 1 THEN '${COMMON} ' ELSE '' END) || (CASE WHEN (s.n * 131 + i) % 50000 = 7 THEN '${RARE} ' ELSE '' END) ||
           array_to_string(ARRAY(SELECT ($1::text[])[1 + ((i * 7919 + k * 104729 + s.n * 31) % cardinality($1::text[]))] FROM generate_series(1, 12 + (i + s.n) % 28) k), ' ')
       END,
       'COMPLETE',
       CASE WHEN i % 3 = 1 THEN jsonb_build_array(jsonb_build_object('id', 'call-' || i, 'name', CASE WHEN s.n % 100 = 0 AND i % 30 = 1 THEN '${RARE_TOOL}' ELSE ($2::text[])[1 + s.n % 8] END,
         'input', jsonb_build_object('command', 'kubectl get pods -n team-' || (i % 10)), 'output', 'ok', 'isError', false)) END,
       CASE WHEN i % 3 = 2 THEN 'call-' || (i - 1) END,
       CASE WHEN i % 3 = 1 THEN 'gpt-4o' END,
       CASE WHEN i % 3 = 1 THEN 200 + i % 500 ELSE 0 END, CASE WHEN i % 3 = 1 THEN 50 + i % 200 ELSE 0 END,
       at, at
     FROM bench_sessions s
     CROSS JOIN LATERAL generate_series(0, CASE WHEN s.n = 0 THEN $3::int ELSE $4::int END - 1) i
     CROSS JOIN LATERAL (SELECT s."createdAt" + i * interval '2 seconds' AS at) t`,
    [VOCABULARY, TOOLS, DEEP, perSession],
  );
  await rebuild('Message');
  await step(
    'events',
    `INSERT INTO "SessionEvent" ("sessionId", seq, type, "messageId", delta, payload, "createdAt")
     SELECT m."sessionId", (row_number() OVER (PARTITION BY m."sessionId" ORDER BY m.id) - 1) * ${EVENTS_PER_MESSAGE} + k,
       CASE m.role WHEN 'USER' THEN (ARRAY['user.message', 'turn.started', 'session.status', 'model.retry', 'session.status'])[k]
                   WHEN 'ASSISTANT' THEN (ARRAY['message.delta', 'message.delta', 'message.delta', 'message.completed', 'tool.call'])[k]
                   ELSE (ARRAY['tool.result', 'message.delta', 'message.delta', 'message.delta', 'turn.completed'])[k] END,
       m.id, CASE WHEN k BETWEEN 1 AND 3 THEN left(m.content, 40) END, NULL, m."createdAt"
     FROM "Message" m CROSS JOIN generate_series(1, ${EVENTS_PER_MESSAGE}) k`,
  );
  await step(
    'turns',
    `INSERT INTO "Turn" (id, "sessionId", "userMessageId", "assistantMessageId", status, model, "inputTokens", "outputTokens", "toolCalls", "costUsd", "createdAt", "startedAt", "endedAt", error)
     SELECT uuidv7(u."createdAt" - now()), u."sessionId", u.id, r.id,
       CASE WHEN (hashtext(u.id::text) % 20) = 7 THEN 'FAILED' ELSE 'COMPLETED' END::"TurnStatus",
       r.model, r."inputTokens", r."outputTokens", 1,
       CASE WHEN r.model = 'paddock-mock' THEN 0 ELSE (r."inputTokens" * 2.5 + r."outputTokens" * 10) / 1e6 END,
       u."createdAt", u."createdAt", u."createdAt" + (500 + abs(hashtext(u.id::text)) % 60000) * interval '1 millisecond',
       CASE WHEN (hashtext(u.id::text) % 20) = 7 THEN 'model failed' END
     FROM "Message" u
     CROSS JOIN LATERAL (SELECT m.id, m.model, m."inputTokens", m."outputTokens" FROM "Message" m WHERE m."sessionId" = u."sessionId" AND m.id > u.id ORDER BY m.id LIMIT 1) r
     WHERE u.role = 'USER'`,
  );
  await rebuild('SessionEvent');
  await rebuild('Turn');
  await step(
    'session stats',
    `UPDATE "Session" s SET "inputTokens" = x.i, "outputTokens" = x.o, "totalTokens" = x.i + x.o, "costUsd" = x.c, "failedTurns" = x.f, "toolCalls" = x.n
     FROM (SELECT "sessionId", sum("inputTokens")::int i, sum("outputTokens")::int o, sum(coalesce("costUsd", 0)) c, count(*) FILTER (WHERE status = 'FAILED')::int f, sum("toolCalls")::int n FROM "Turn" GROUP BY 1) x
     WHERE s.id = x."sessionId"`,
  );
  await step(
    'session tool names',
    `UPDATE "Session" s SET "toolNames" = x.names
     FROM (SELECT m."sessionId", array_agg(DISTINCT c->>'name' ORDER BY c->>'name') names FROM "Message" m CROSS JOIN LATERAL jsonb_array_elements(m."toolCalls") c WHERE m."toolCalls" IS NOT NULL GROUP BY 1) x
     WHERE s.id = x."sessionId"`,
  );
  // What recordTurnEnd adds as each turn ends, for every seeded turn at once.
  await step(
    'usage rollup',
    `WITH done AS (
       SELECT s."teamId", s."agentId", coalesce(t.model, a.model) AS model, a."harnessName" AS harness, t.status, t."inputTokens", t."outputTokens", t."toolCalls", t."costUsd", t."endedAt",
              paddock_duration_bucket(extract(epoch FROM t."endedAt" - t."startedAt") * 1000) AS bucket
       FROM "Turn" t JOIN "Session" s ON s.id = t."sessionId" JOIN "Agent" a ON a.id = s."agentId"
     ), periods AS (
       SELECT 'HOUR'::"UsagePeriod" AS period, date_trunc('hour', "endedAt", 'UTC') AS start, done.* FROM done
       UNION ALL SELECT 'DAY'::"UsagePeriod", date_trunc('day', "endedAt", 'UTC'), done.* FROM done
     )
     INSERT INTO "UsageRollup" ("teamId", period, start, "agentId", model, harness, turns, "failedTurns", "inputTokens", "outputTokens", "toolCalls", "costUsd", "unpricedTurns", "durationHistogram")
     SELECT "teamId", period, start, "agentId", model, harness, count(*), count(*) FILTER (WHERE status = 'FAILED'), sum("inputTokens"), sum("outputTokens"), sum("toolCalls"),
            sum(coalesce("costUsd", 0)), count(*) FILTER (WHERE "costUsd" IS NULL),
            (SELECT array_agg((SELECT count(*) FROM unnest(array_agg(p.bucket)) AS b WHERE b = i)::int ORDER BY i) FROM generate_series(0, 63) AS i)
     FROM periods p GROUP BY "teamId", period, start, "agentId", model, harness`,
  );
  await step('analyze', 'VACUUM ANALYZE');
  const { rows: deep } = await client.query<{ id: string; sessionId: string }>(
    `SELECT m.id, m."sessionId" FROM "Message" m WHERE m."sessionId" = (SELECT id FROM bench_sessions WHERE n = 0) ORDER BY m.id`,
  );
  const { rows: recent } = await client.query<{ lastActiveAt: Date }>('SELECT "lastActiveAt" FROM "Session" ORDER BY "lastActiveAt" DESC');
  const counts = await client.query<{ s: string; m: string; e: string }>(
    'SELECT (SELECT count(*) FROM "Session") s, (SELECT count(*) FROM "Message") m, (SELECT count(*) FROM "SessionEvent") e',
  );
  process.stderr.write(`  seeded ${counts.rows[0]!.s} sessions, ${counts.rows[0]!.m} messages, ${counts.rows[0]!.e} events\n`);
  await client.end();
  const cursors = deep.slice(Math.floor(deep.length / 2), deep.length - 100).map((m) => Buffer.from(`c:${m.id}`).toString('base64url'));
  return {
    deepSession: encodeGlobalId('Session', deep[0]!.sessionId),
    cursors,
    /** since/until that hold the n most recently active sessions. */
    windows: (n: number) => ({
      since: new Date(recent[Math.min(n, recent.length) - 1]!.lastActiveAt.getTime()).toISOString(),
      until: new Date(recent[0]!.lastActiveAt.getTime() + 1).toISOString(),
    }),
    counts: counts.rows[0]!,
  };
}

/** Downloads an export while sampling the API process's resident memory. */
async function exportRun(port: number, key: string, pid: number, window: { since: string; until: string }, sessions: number) {
  const rss = async () => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const base = await rss();
  let peak = base;
  const sampler = setInterval(() => void rss().then((v) => (peak = Math.max(peak, v))), 20);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port,
          path: `/export/sessions.ndjson?since=${encodeURIComponent(window.since)}&until=${encodeURIComponent(window.until)}`,
          headers: { authorization: `Bearer ${key}` },
        },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`export answered HTTP ${res.statusCode}`));
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            for (const byte of chunk) if (byte === 10) lines++;
          });
          res.on('end', () => resolve());
          res.on('error', reject);
        },
      )
      .on('error', reject);
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (lines < sessions) throw new Error(`export of ${sessions} sessions returned ${lines} lines`);
  return { sessions: lines, mb: bytes / 1e6, seconds, peakRssMb: peak, baseRssMb: base };
}

async function waitReady(port: number) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('API did not become ready');
}

function report(results: Result[], exports: Awaited<ReturnType<typeof exportRun>>[], seedSeconds: number) {
  const base = results.find((r) => r.name.includes('__typename'));
  console.log(
    `\nPaddock history benchmark — ${SESSIONS} sessions, ${MESSAGES} messages, ${MESSAGES * EVENTS_PER_MESSAGE} events; seeded in ${seedSeconds.toFixed(0)} s`,
  );
  console.log(`${CONCURRENCY} concurrent clients, ${SECONDS} s per query, ${os.cpus().length} CPUs, Node ${process.version}\n`);
  for (const r of results) {
    const ratio = base ? (r.rps / base.rps).toFixed(3) : '-';
    console.log(
      `${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(7)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  ratio ${ratio.padStart(6)}  errors ${r.errors}  CPU-ms/req API ${r.cpu.api.toFixed(2)} PG ${r.cpu.postgres.toFixed(2)} client ${r.cpu.client.toFixed(2)}`,
    );
  }
  for (const e of exports) {
    console.log(
      `(e) export ${String(e.sessions).padStart(5)} sessions: ${e.mb.toFixed(1).padStart(7)} MB in ${e.seconds.toFixed(1).padStart(5)} s = ${(e.mb / e.seconds).toFixed(1).padStart(5)} MB/s; API RSS ${e.baseRssMb.toFixed(0)} MB before, peak ${e.peakRssMb.toFixed(0)} MB`,
    );
  }
  const goal = (prefix: string, limit: number) => {
    const rs = results.filter((r) => r.name.startsWith(prefix));
    if (rs.length)
      console.log(`goal ${prefix} p99 < ${limit} ms: ${rs.every((r) => r.p99 < limit) ? 'met' : 'NOT met'} (${rs.map((r) => r.p99.toFixed(1)).join(', ')} ms)`);
  };
  console.log('');
  goal('(a)', 25);
  goal('(b)', 50);
  goal('(c)', 50);
  goal('(d)', 100);
  if (exports.length > 1) {
    const growth = exports.at(-1)!.peakRssMb - exports[0]!.peakRssMb;
    console.log(`goal (e) flat RSS: peak grew ${growth.toFixed(0)} MB from ${exports[0]!.sessions} to ${exports.at(-1)!.sessions} sessions`);
  }
}

await main();
