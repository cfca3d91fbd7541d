/**
 * `pnpm bench:sandbox`: how long a session waits for its sandbox on Kubernetes, and
 * how much of that is Paddock.
 *
 * A real API and worker (PADDOCK_SANDBOX_DRIVER=kubernetes) over the embedded
 * PostgreSQL talk to the fake API server with the emulated agent-sandbox controller,
 * which runs in a child process (bench/sandbox-cluster.ts). Per session we time
 * createSession → first message → the session's sandbox READY (runtime attached),
 * and subtract the emulated cluster's part (claim created → its sandbox Ready, as the
 * controller saw it: adoption, or pod start and readiness probe) to get Paddock's.
 * Warm claims adopt a Ready pool sandbox; cold ones start a pod. Repeated with
 * 10, 100 and 1,000 other live sandboxes in the namespace.
 *
 * Options: --sessions 100 --live 10,100,1000
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startMockLlm } from '@paddock/mock-llm';
import { loadConfig, type Config } from '../src/config/index.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { decodeGlobalId } from '../src/ids/global-id.ts';
import { createLogger } from '../src/log/index.ts';
import { startApi } from '../src/platform/api.ts';
import { openPlatform, type Platform } from '../src/platform/open.ts';
import { namespaceFor, templateName } from '../src/sandbox/kubernetes/names.ts';
import { startWorker } from '../src/worker/index.ts';
import { GraphqlClient } from '../test/graphql-client.ts';
import { MOCK_GATEWAY_KEY } from './mock-gateway.ts';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '100' }, live: { type: 'string', default: '10,100,1000' } } });
const SESSIONS = Number(values.sessions);
const LIVE = values.live.split(',').map(Number);
const log = createLogger('bench-sandbox', process.env.PADDOCK_BENCH_LOG_LEVEL ?? 'warn');

type Timeline = { created: number; bound?: number; launch?: 'warm' | 'cold'; ready?: number };
type Sample = { total: number; cluster: number; paddock: number; launch: string };
type Row = { live: number; launch: 'warm' | 'cold'; samples: Sample[]; failures: number; requestsPerSession: number };

/** IPC to the cluster process. */
class Cluster {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 0;
  kubeconfig = '';

  constructor() {
    this.#child = fork(path.resolve(import.meta.dirname, 'sandbox-cluster.ts'), {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: { id?: number; result?: unknown; error?: string; ready?: boolean; kubeconfig?: string }) => {
      if (message.ready) {
        this.kubeconfig = message.kubeconfig!;
        this.#pending.get(-1)?.resolve(null);
        return;
      }
      const waiter = this.#pending.get(message.id!);
      this.#pending.delete(message.id!);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  }

  started(): Promise<unknown> {
    return new Promise((resolve, reject) => this.#pending.set(-1, { resolve, reject }));
  }

  call<T>(request: Record<string, unknown>): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, ...request });
    });
  }

  async close(): Promise<void> {
    await this.call({ op: 'close' }).catch(() => undefined);
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function workerConfig(base: Config, warmPoolSize: number): Config {
  return { ...base, kubernetes: { ...base.kubernetes, warmPoolSize } };
}

async function runPhase(opts: {
  platform: Platform;
  config: Config;
  client: GraphqlClient;
  cluster: Cluster;
  agentId: string;
  agentGid: string;
  teamId: string;
  live: number;
  launch: 'warm' | 'cold';
  mockUrl: string;
}): Promise<Row> {
  const { platform, client, cluster } = opts;
  // Its own platform (pools, bus), as a separate worker process would have.
  const workerPlatform = await openPlatform(workerConfig(opts.config, opts.launch === 'warm' ? 1 : 0), log);
  const worker = await startWorker(workerPlatform, { baseUrl: opts.mockUrl, apiKey: MOCK_GATEWAY_KEY });
  const namespace = namespaceFor(opts.config.kubernetes.namespace, opts.teamId);
  const pool = templateName(opts.agentId);
  const samples: Sample[] = [];
  const before = await cluster.call<{ requests: number }>({ op: 'counters' });
  let counted = 0;
  let failures = 0;
  try {
    for (let i = -3; i < SESSIONS; i++) {
      // Warm: a Ready pool sandbox must be waiting, as in a steady state; not timed.
      if (opts.launch === 'warm' && i >= -1) await until(() => cluster.call<boolean>({ op: 'warmReady', namespace, pool }), 'a ready warm sandbox');
      const started = Date.now();
      const session = (
        await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: opts.agentGid })
      ).createSession.id;
      await client.ok(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hi" }) { id } }`, { s: session });
      const sessionId = decodeGlobalId(session).id;
      let phase: string | undefined;
      let message = '';
      await until(
        async () => {
          const row = await platform.services.db.sandbox.findUnique({ where: { sessionId } });
          phase = row?.phase;
          message = row?.statusMessage ?? 'no sandbox row yet';
          if (phase === 'READY' || phase === 'FAILED') return true;
          // A turn that failed before its sandbox was recorded READY.
          const failed = await platform.services.db.turn.findFirst({ where: { sessionId, status: 'FAILED' } });
          if (failed) {
            phase = 'FAILED';
            process.stderr.write(`  session ${sessionId} failed: ${JSON.stringify(failed).slice(0, 300)}\n`);
          }
          return Boolean(failed);
        },
        'the sandbox to be ready',
        300_000,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message} (session ${sessionId}: ${phase ?? 'no phase'}, ${message})`);
      });
      const total = Date.now() - started;
      if (phase === 'FAILED') failures++;
      const name = `ps-${sessionId.replaceAll('-', '')}`;
      const timeline = await cluster.call<Timeline | null>({ op: 'timeline', namespace, name });
      // The first sessions warm up the template, JIT and pools; they are not counted.
      if (i >= 0 && timeline?.ready && phase === 'READY') {
        const clusterMs = timeline.ready - timeline.created;
        samples.push({ total, cluster: clusterMs, paddock: total - clusterMs, launch: timeline.launch ?? '?' });
        counted++;
      }
      if (phase === 'READY') await waitTurnDone(client, session);
      await client.ok(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: session });
      await until(() => cluster.call<boolean>({ op: 'claimGone', namespace, name }), 'the claim to be deleted');
    }
  } finally {
    await worker.close();
    await workerPlatform.close();
  }
  const after = await cluster.call<{ requests: number }>({ op: 'counters' });
  return { live: opts.live, launch: opts.launch, samples, failures, requestsPerSession: (after.requests - before.requests) / Math.max(1, counted + 3) };
}

async function waitTurnDone(client: GraphqlClient, session: string): Promise<void> {
  await until(
    async () =>
      ['IDLE', 'FAILED'].includes(
        (await client.ok<{ session: { status: string } }>(`query($s: ID!) { session(id: $s) { status } }`, { s: session })).session.status,
      ),
    'the turn to finish',
    120_000,
  );
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? NaN;

function report(rows: Row[]): void {
  console.log(`\nPaddock sandbox start on Kubernetes (fake API server + emulated agent-sandbox controller in a separate process)`);
  console.log(`${SESSIONS} sessions per row, createSession → first message → runtime attached; ${os.cpus().length} CPUs, Node ${process.version}\n`);
  console.log('live sandboxes  launch   total p50   total p99   cluster p50   Paddock p50   Paddock p99   Paddock share p50   API requests/session');
  for (const row of rows) {
    const s = (f: (x: Sample) => number) => row.samples.map(f).sort((a, b) => a - b);
    const total = s((x) => x.total);
    const cluster = s((x) => x.cluster);
    const paddock = s((x) => x.paddock);
    const share = s((x) => x.paddock / x.total);
    const mislaunched = row.samples.filter((x) => x.launch !== row.launch).length;
    console.log(
      `${String(row.live).padStart(14)}  ${row.launch.padEnd(6)} ${pct(total, 0.5).toFixed(0).padStart(8)} ms ${pct(total, 0.99).toFixed(0).padStart(8)} ms ${pct(cluster, 0.5).toFixed(0).padStart(10)} ms ${pct(paddock, 0.5).toFixed(0).padStart(10)} ms ${pct(paddock, 0.99).toFixed(0).padStart(10)} ms ${(pct(share, 0.5) * 100).toFixed(0).padStart(16)} % ${row.requestsPerSession.toFixed(1).padStart(20)}${mislaunched ? `   (${mislaunched} not ${row.launch})` : ''}${row.failures ? `   (${row.failures} failed)` : ''}`,
    );
  }
  console.log(
    '\ncluster = claim created → its sandbox Ready as the emulated controller saw it (warm: adoption of a Ready pod; cold: pod process start + readiness probe).\nPaddock = the rest: GraphQL mutations, the queued job, applying the agent objects (cached), the claim, watching claim/sandbox/pod, the gateway health check, attach.\n',
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-bench-sandbox-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, log, port: 0 });
  const cluster = new Cluster();
  const mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 2000 });
  let platform: Platform | undefined;
  let api: { close(): Promise<void> } | undefined;
  try {
    await cluster.started();
    await migrate(pg.databaseUrl, log);
    const config = loadConfig({
      DATABASE_URL: pg.databaseUrl,
      PADDOCK_DATA_DIR: dir,
      HOST: '127.0.0.1',
      PORT: '0',
      PADDOCK_SANDBOX_DRIVER: 'kubernetes',
      PADDOCK_K8S_KUBECONFIG: cluster.kubeconfig,
      PADDOCK_K8S_ACCESS: 'pod-ip',
      LITELLM_API_BASE: mock.url,
    });
    platform = await openPlatform(config, log);
    const http = await startApi(platform);
    api = http;
    const team = await platform.services.teams.createTeam('bench');
    const key = await platform.services.teams.createApiKey(null, { teamId: team.id, name: 'bench', role: 'MEMBER' });
    const client = new GraphqlClient(http.url, key.plaintext);
    const agent = async (name: string) =>
      (await client.ok<{ createAgent: { id: string } }>(`mutation($n: String!) { createAgent(input: { name: $n, harness: "chat" }) { id } }`, { n: name }))
        .createAgent.id;
    const agents = { warm: await agent('bench-warm'), cold: await agent('bench-cold') };
    const namespace = namespaceFor(config.kubernetes.namespace, team.id);

    const rows: Row[] = [];
    for (const live of LIVE) {
      const total = await cluster.call<number>({ op: 'seed', namespace, count: live });
      process.stderr.write(`${live} live sandboxes seeded (${total} Sandbox objects in ${namespace})\n`);
      for (const launch of ['warm', 'cold'] as const) {
        const row = await runPhase({
          platform,
          config,
          client,
          cluster,
          agentGid: agents[launch],
          agentId: decodeGlobalId(agents[launch]).id,
          teamId: team.id,
          live,
          launch,
          mockUrl: mock.url,
        });
        rows.push(row);
        process.stderr.write(`  ${launch}: ${row.samples.length} sessions\n`);
      }
    }
    report(rows);
  } finally {
    await api?.close();
    await platform?.close();
    await cluster.close();
    await mock.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
