/**
 * `pnpm bench:stream`: token streaming end to end under load.
 *
 * N sessions each stream a `/long T rate=R` reply from the offline mock model through
 * the real pipeline — worker (separate process) → harness runtime (sandbox) → event
 * bus (PostgreSQL NOTIFY) → API (separate process) → graphql-ws subscriber — and the
 * bench measures per-token emit→receipt latency, exactness of every reply, throughput,
 * and the CPU of each process from /proc. The same load read straight from runtimes
 * the bench starts itself is the floor. Finally it opens many subscriptions at once on
 * sessions with history and times their first event.
 *
 * Everything runs on 127.0.0.1 in a temp dir (embedded PostgreSQL included), is
 * stopped and removed at the end, and the whole run is bounded by --max-seconds.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded.ts';
import { createLogger } from '../src/log/index.ts';
import { runDirect, STEADY_AFTER_MS, type WindowResult } from './stream/direct.ts';
import { benchTeam, graphql, SessionWatch, timeFirstEvent, type Sinks } from './stream/graphql.ts';
import {
  busyCores,
  cpuBetween,
  deprioritise,
  descendantsOf,
  embeddedPostmaster,
  freePort,
  identify,
  killLeftovers,
  liveChildren,
  machineCpu,
  postgresCpu,
  refuseNewChildren,
  sandboxMemory,
  snapshotCpu,
  startChild,
  waitForHttp,
  type Child,
  type CpuTarget,
  type ProcessIdentity,
} from './stream/procs.ts';
import { checkReply, monotonicUs, now, Samples, summaryOf, type ReplyCheck, type Summary } from './stream/stats.ts';
import { compareTelemetry, scrapeMetrics, startOtlpSink, telemetryEnv, type TelemetryComparison } from './stream/telemetry.ts';
import { positiveFlags } from './args.ts';
import { MOCK_GATEWAY_KEY } from './mock-gateway.ts';

const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const REPO_DIR = path.resolve(SERVER_DIR, '..');
const RESULTS_DIR = path.join(SERVER_DIR, 'bench', 'results');
const MOCK_ENTRY = path.join(REPO_DIR, 'harnesses', 'mock-llm', 'src', 'main.ts');

const GOALS = { latencyP99Ms: 15, cpuPerThousandTokens: 0.1, subscribeP50Ms: 50, subscribeP99Ms: 100 };

const USAGE = `Usage: pnpm bench:stream [options]
  --sessions N      concurrent sessions (default 50)
  --tokens T        tokens per reply (default 500)
  --rate R          tokens per second per session (default 50)
  --wide            the many-sessions variant: 200 sessions at 20 tokens/s (unless
                    --sessions or --rate say otherwise)
  --subscribers S   subscriptions opened at once on sessions with history (default 50)
  --no-floor        skip the direct-from-runtime measurement
  --no-telemetry    skip the second window with tracing (OTLP) and metrics on, which
                    measures the CPU and latency they add
  --diagnose        also select createdAt (when the worker gave the event its seq) to
                    split latency into runtime→worker and worker→subscriber (ms
                    precision), and count the bus's NOTIFYs on an extra LISTEN connection
  --sandbox-nice N  run sandbox runtimes and the mock LLM at nice N (and autogroup nice
                    N) after the warm-up, as if they ran on other machines, so the API
                    and worker figures are not the co-located sandboxes' noise (default
                    10; 0 runs them as the local driver starts them)
  --cpu-prof        write V8 CPU profiles of the API, the worker and one floor runtime
                    to bench/results/
  --keep            keep the temp dir (logs, database) instead of deleting it
  --max-seconds M   hard limit for the whole run (default 240 + 3 × T/R)`;

const { values: flags } = parseArgs({
  options: {
    sessions: { type: 'string' },
    wide: { type: 'boolean', default: false },
    tokens: { type: 'string', default: '500' },
    rate: { type: 'string' },
    subscribers: { type: 'string', default: '50' },
    'no-floor': { type: 'boolean', default: false },
    'no-telemetry': { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'max-seconds': { type: 'string' },
    'sandbox-nice': { type: 'string', default: '10' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const positive = positiveFlags(USAGE);

const SESSIONS = positive('sessions', flags.sessions ?? (flags.wide ? '200' : '50'));
const TOKENS = positive('tokens', flags.tokens);
const RATE = positive('rate', flags.rate ?? (flags.wide ? '20' : '50'), false);
const SUBSCRIBERS = positive('subscribers', flags.subscribers);
const STREAM_SECONDS = TOKENS / RATE;
const SANDBOX_NICE = Number(flags['sandbox-nice']);
if (!Number.isInteger(SANDBOX_NICE) || SANDBOX_NICE < 0 || SANDBOX_NICE > 19) {
  console.error(`--sandbox-nice must be an integer from 0 to 19, got ${flags['sandbox-nice']}\n\n${USAGE}`);
  process.exit(2);
}
const MAX_SECONDS = flags['max-seconds'] ? positive('max-seconds', flags['max-seconds'], false) : Math.ceil(240 + 3 * STREAM_SECONDS);
const DEADLINE = Date.now() + MAX_SECONDS * 1000;
const LOAD_AT_START = os.loadavg().map((l) => Number(l.toFixed(2)));

const say = (message: string) => console.log(message);

// ---------------------------------------------------------------- cleanup ---

const state: {
  tmp: string | null;
  pg: EmbeddedPostgres | null;
  worker: Child | null;
  watches: SessionWatch[];
  leftovers: ProcessIdentity[];
} = { tmp: null, pg: null, worker: null, watches: [], leftovers: [] };

let cleaning: Promise<void> | null = null;

/** Stops everything the bench started, in dependency order; safe to call more than once. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    refuseNewChildren();
    await Promise.all(state.watches.map((w) => w.close().catch(() => undefined)));
    // The worker first: it stops its sandbox runtimes itself.
    if (state.worker && !state.worker.hasExited()) {
      state.leftovers.push(...identify(descendantsOf(state.worker.pid)));
      await state.worker.stop();
    }
    await Promise.all([...liveChildren].map((c) => c.stop()));
    const killed = killLeftovers(state.leftovers);
    if (killed > 0) say(`  killed ${killed} leftover sandbox process(es)`);
    await state.pg?.stop().catch((error: unknown) => say(`  stopping PostgreSQL failed: ${String(error)}`));
    if (state.tmp) {
      if (flags.keep) say(`  kept ${state.tmp}`);
      else await rm(state.tmp, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

function abortWith(message: string, code: number): void {
  say(`\n${message}; stopping everything...`);
  void cleanup().finally(() => process.exit(code));
}

process.once('SIGINT', () => abortWith('interrupted', 130));
process.once('SIGTERM', () => abortWith('terminated', 143));
process.on('uncaughtException', (error) => abortWith(`bench crashed: ${error.stack ?? error.message}`, 1));
process.on('unhandledRejection', (reason) => abortWith(`bench crashed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`, 1));
const hardLimit = setTimeout(() => abortWith(`time limit of ${MAX_SECONDS} s reached`, 3), MAX_SECONDS * 1000);

// -------------------------------------------------------------- the run ---

/** Rejects when any of `children` exits, so a crash does not look like a slow run. */
function watchExits(children: Child[]): Promise<never> {
  return Promise.race(
    children.map((c) => c.exited.then(async (code) => Promise.reject(new Error(`${c.name} exited (${code}); last output:\n${await c.tail()}`)))),
  );
}

async function within<T>(promise: Promise<T>, ms: number, what: string, crash: Promise<never>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms)),
  );
  try {
    return await Promise.race([promise, timeout, crash]);
  } finally {
    clearTimeout(timer);
  }
}

const remaining = () => Math.max(1_000, DEADLINE - Date.now() - 20_000);

async function main() {
  say(
    `Paddock stream bench: ${SESSIONS} sessions × ${TOKENS} tokens at ${RATE} tokens/s (offered ${fmtInt(SESSIONS * RATE)} tokens/s), ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  say(`(load average before start: ${LOAD_AT_START.join(' ')}${SANDBOX_NICE ? `; sandboxes and mock LLM at nice ${SANDBOX_NICE}` : ''})`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'paddock-bench-stream-'));
  state.tmp = tmp;
  await chmod(tmp, 0o711); // the embedded PostgreSQL runs as `postgres` when we are root
  const logDir = path.join(tmp, 'logs');
  await mkdir(logDir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profDir = path.join(RESULTS_DIR, `stream-${stamp}-profiles`);

  say('- starting PostgreSQL');
  const pgDir = path.join(tmp, 'pg');
  await mkdir(pgDir);
  // Each worker's queue pool may open one connection per concurrent turn, and a busy machine makes every pool grow to its limit.
  const pg = await startEmbeddedPostgres({
    dataDir: pgDir,
    log: createLogger('bench-postgres', 'warn'),
    port: 0,
    database: 'paddock',
    maxConnections: 2 * SESSIONS + 200,
  });
  state.pg = pg;
  const postmaster = await embeddedPostmaster(pgDir);

  say('- starting the mock LLM');
  const { child: mock, ready: mockUrl } = await startChild({
    name: 'mock LLM',
    argv: [process.execPath, MOCK_ENTRY, '--port', '0', '--host', '127.0.0.1'],
    cwd: REPO_DIR,
    env: baseEnv(),
    logFile: path.join(logDir, 'mock-llm.log'),
    ready: (line) => (line.includes('"listening"') ? (JSON.parse(line) as { url: string }).url : undefined),
    timeoutMs: 30_000,
  });

  if (flags['cpu-prof']) await mkdir(profDir, { recursive: true });
  let floor: WindowResult | null = null;
  if (!flags['no-floor']) {
    say(`- floor: ${SESSIONS} runtimes read directly`);
    const floorDir = path.join(tmp, 'floor');
    await mkdir(floorDir);
    floor = await runDirect({
      sessions: SESSIONS,
      tokens: TOKENS,
      rate: RATE,
      mockUrl: mockUrl!,
      mockPid: mock.pid,
      dir: floorDir,
      logDir,
      deadline: DEADLINE - 20_000,
      profileDir: flags['cpu-prof'] ? profDir : undefined,
      sandboxNice: SANDBOX_NICE,
      say,
    });
    say(`  done: p99 ${fmtMs(floor.latency.summary().p99)}`);
  }

  const phaseContext = { pg, mockUrl: mockUrl!, mock, logDir, profDir, postmaster, tmp };
  const off = await runPlatform('off', phaseContext);
  const { url, key, watches, targets, crash, platform, diagnosis, seqGaps, seqDuplicates, streamStartUs, streamEndUs, idleSandboxMemory } = off;

  await sleep(1_000);
  say(`- ${SUBSCRIBERS} subscriptions opened at once, each on its own WebSocket, replaying from seq 0`);
  const apiBefore = snapshotCpu(targets.slice(0, 1));
  const burstStartUs = monotonicUs();
  const burst = await within(
    Promise.allSettled(
      Array.from({ length: SUBSCRIBERS }, (_, i) => {
        const watch = watches[i % watches.length]!;
        return timeFirstEvent(url, key, watch.sessionId, watch.lastSeq, 30_000);
      }),
    ),
    remaining(),
    'the subscription burst',
    crash,
  );
  const burstEndUs = monotonicUs();
  const burstApiCpu = cpuBetween(apiBefore, snapshotCpu(targets.slice(0, 1))).api ?? 0;
  const opened = burst.flatMap((b) => (b.status === 'fulfilled' ? [b.value] : []));
  const burstFailures = burst.flatMap((b) => (b.status === 'rejected' ? [String(b.reason)] : []));
  const replayedEvents = summaryOf(watches.map((w) => w.lastSeq));

  let telemetry: TelemetryComparison | null = null;
  if (!flags['no-telemetry']) {
    say('- stopping the API and the worker; starting them again with tracing and metrics on');
    await off.stop();
    const sink = await startOtlpSink();
    try {
      const on = await runPlatform('on', phaseContext, sink.url);
      await on.stop();
      telemetry = compareTelemetry(platform, on.platform, sink.stats());
    } finally {
      await sink.close();
    }
  }

  clearTimeout(hardLimit);
  say('- stopping');
  await cleanup();

  const results = buildResults({
    platform,
    floor,
    seqGaps,
    seqDuplicates,
    diagnosis,
    subscriptions: {
      count: SUBSCRIBERS,
      opened: opened.length,
      failures: burstFailures,
      connectedMs: summaryOf(opened.map((o) => o.connectedMs)),
      firstEventMs: summaryOf(opened.map((o) => o.firstMs)),
      caughtUpMs: summaryOf(opened.map((o) => o.caughtUpMs)),
      eventsPerSession: replayedEvents,
      apiCpuSeconds: burstApiCpu,
    },
    telemetry,
    idleSandboxMemory,
    cpuProfiles: flags['cpu-prof']
      ? { dir: profDir, windowsUs: { stream: [streamStartUs, streamEndUs], burst: [burstStartUs, burstEndUs], ...(floor ? { floor: floor.windowUs } : {}) } }
      : null,
  });
  printReport(results);
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `stream-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  say(`\nFigures written to ${path.relative(REPO_DIR, file)}`);
  if (flags['cpu-prof']) {
    say(`CPU profiles in ${path.relative(REPO_DIR, profDir)}; summarise the measured window with`);
    say(
      `  (cd server && npx tsx bench/profile-summary.ts --results ${path.relative(SERVER_DIR, file)} --phase stream ${path.relative(SERVER_DIR, profDir)}/*.cpuprofile)`,
    );
  }
}

/**
 * Starts an API and a worker (telemetry off, or exporting traces to `otlpUrl` with
 * metrics on), warms up one sandbox per session and measures one streaming window.
 */
async function runPlatform(
  label: 'off' | 'on',
  ctx: { pg: EmbeddedPostgres; mockUrl: string; mock: Child; logDir: string; profDir: string; postmaster: number; tmp: string },
  otlpUrl?: string,
) {
  say('- starting the API and the worker');
  const { pg, mockUrl, mock, logDir, profDir, postmaster, tmp } = ctx;
  const port = await freePort();
  const adminKey = `pdk_bench${randomBytes(24).toString('hex')}`;
  // One data dir for both halves: it holds the secret key the database's sealed values need.
  const dataDir = path.join(tmp, 'data');
  await mkdir(dataDir, { recursive: true });
  const env = {
    ...baseEnv(),
    DATABASE_URL: pg.databaseUrl,
    LITELLM_API_BASE: mockUrl,
    LITELLM_API_KEY: MOCK_GATEWAY_KEY,
    PADDOCK_ADMIN_KEY: adminKey,
    PORT: String(port),
    HOST: '127.0.0.1',
    PADDOCK_DATA_DIR: dataDir,
    PADDOCK_LOG_LEVEL: 'warn',
    PADDOCK_WORKER_CONCURRENCY: String(Math.max(64, SESSIONS + 8)),
    // One key and one team drive every session: lift the per-key rate and the team quotas.
    PADDOCK_KEY_REQUESTS_PER_SECOND: '1000000',
    PADDOCK_TEAM_MAX_RUNNING_SESSIONS: '0',
    PADDOCK_TEAM_MAX_SANDBOXES: '0',
    ...telemetryEnv(otlpUrl),
  };
  const nodeArgs = (role: string) => [
    process.execPath,
    ...(flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${role}-${label}.cpuprofile`] : []),
    '--import',
    'tsx',
    `src/bin/${role}.ts`,
  ];
  const { child: api } = await startChild({
    name: 'API',
    argv: nodeArgs('api'),
    cwd: SERVER_DIR,
    env,
    logFile: path.join(logDir, `api-${label}.log`),
    timeoutMs: 0,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`, api, 120_000);
  const { child: worker } = await startChild({
    name: 'worker',
    argv: nodeArgs('worker'),
    cwd: SERVER_DIR,
    env,
    logFile: path.join(logDir, `worker-${label}.log`),
    timeoutMs: 0,
  });
  state.worker = worker;
  const crash = watchExits([api, worker, mock]);
  crash.catch(() => undefined);

  say(`- creating a team, an agent and ${SESSIONS} sessions`);
  const { key, agentId } = await benchTeam(url, adminKey, `bench-${label}`, { name: 'stream-bench', systemPrompt: 'You are a benchmark.' });
  const sessionIds: string[] = [];
  for (let i = 0; i < SESSIONS; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, SESSIONS - i) }, () =>
        graphql<{ createSession: { id: string } }>(
          url,
          key,
          `
            mutation ($a: ID!) {
              createSession(input: { agentId: $a }) {
                id
              }
            }
          `,
          { a: agentId },
        ),
      ),
    );
    sessionIds.push(...batch.map((b) => b.createSession.id));
  }
  const send = (sessionId: string, content: string) =>
    graphql(
      url,
      key,
      `
        mutation ($s: ID!, $c: String!) {
          sendMessage(input: { sessionId: $s, content: $c }) {
            id
          }
        }
      `,
      { s: sessionId, c: content },
    );

  const sinks: Sinks = {
    latency: new Samples(),
    steady: new Samples(),
    steadyFrom: Number.POSITIVE_INFINITY,
    split: flags.diagnose ? { toWorker: new Samples(), fromWorker: new Samples() } : null,
  };
  const notifications = flags.diagnose ? await countNotifications(pg.databaseUrl) : null;
  const watches = sessionIds.map((id) => new SessionWatch(url, key, id, sinks).subscribe(0));
  state.watches = watches;

  say(`- warm-up: one short turn per session (provisions ${SESSIONS} sandboxes)`);
  const warmStart = performance.now();
  const warm = watches.map((w) => w.expectTurn(false));
  await Promise.all(sessionIds.map((id) => send(id, '/long 3 rate=0')));
  await within(Promise.all(warm), remaining(), 'the warm-up', crash);
  const warmFailures = watches.filter((w) => w.error);
  if (warmFailures.length > 0) throw new Error(`warm-up failed in ${warmFailures.length} sessions, e.g. ${warmFailures[0]!.error}`);
  say(`  done in ${((performance.now() - warmStart) / 1000).toFixed(1)} s`);
  if (SANDBOX_NICE !== 0) {
    const sandboxes = descendantsOf(worker.pid);
    const failed = deprioritise([...sandboxes, mock.pid], SANDBOX_NICE);
    say(`  ${sandboxes.length} sandbox processes and the mock LLM now at nice ${SANDBOX_NICE}${failed ? ` (${failed} could not be changed)` : ''}`);
  }
  await sleep(2_000);
  // Idle: every sandbox has answered one short turn and waits for the next.
  const memory = sandboxMemory(descendantsOf(worker.pid));
  const idleRuntimeRssMb = summaryOf(memory.runtimeRssBytes.map((b) => b / 2 ** 20));
  say(
    `  idle sandboxes: ${memory.runtimes} runtime processes, RSS p50 ${idleRuntimeRssMb.p50.toFixed(1)} MB (max ${idleRuntimeRssMb.max.toFixed(1)} MB); the whole sandbox tree ${(memory.treeRssBytes / 2 ** 20 / Math.max(1, memory.runtimes)).toFixed(1)} MB per runtime`,
  );

  say(`- measuring${otlpUrl ? ' with tracing and metrics on' : ''}: ${SESSIONS} × /long ${TOKENS} rate=${RATE}`);
  // Prometheus scrapes while the window runs, as it would in production.
  const scraper = otlpUrl ? scrapeMetrics(url) : null;
  const targets: CpuTarget[] = [
    { name: 'api', pids: [api.pid] },
    { name: 'worker', pids: [worker.pid] },
    { name: 'runtimes', treeOf: worker.pid },
    postgresCpu(postmaster),
    { name: 'mock', pids: [mock.pid] },
  ];
  const turns = watches.map((w) => w.expectTurn(true));
  notifications?.reset();
  const cpuBefore = snapshotCpu(targets);
  const machineBefore = machineCpu();
  const clientBefore = process.cpuUsage();
  const windowStart = performance.now();
  sinks.steadyFrom = now() + STEADY_AFTER_MS;
  const streamStartUs = monotonicUs();
  // Each turn's outcome as it ends; a turn that never ends is reported, not waited for forever.
  const outcomes: (string | null | undefined)[] = turns.map(() => undefined);
  const ended = Promise.all(
    turns.map((t, i) =>
      t.then(
        () => (outcomes[i] = null),
        (error: unknown) => (outcomes[i] = String(error)),
      ),
    ),
  );
  await Promise.all(sessionIds.map((id) => send(id, `/long ${TOKENS} rate=${RATE}`)));
  const limitMs = Math.min(remaining(), (STREAM_SECONDS + 60) * 1000);
  await Promise.race([ended, sleep(limitMs), crash]);
  const windowSeconds = (performance.now() - windowStart) / 1000;
  scraper?.stop();
  const streamEndUs = monotonicUs();
  const notified = notifications?.read() ?? null;
  await notifications?.close();
  const clientCpu = process.cpuUsage(clientBefore);
  const machineAfter = machineCpu();
  const cpu = cpuBetween(cpuBefore, snapshotCpu(targets));
  cpu.client = (clientCpu.user + clientCpu.system) / 1e6;
  const failures = outcomes.flatMap((outcome, i) => {
    const watch = watches[i]!;
    if (outcome === undefined) return [`session ${watch.sessionId}: the turn did not end within ${Math.round(limitMs / 1000)} s`];
    return outcome !== null ? [outcome] : watch.error ? [watch.error] : [];
  });
  state.leftovers.push(...identify(descendantsOf(worker.pid)));
  const platform: WindowResult = {
    latency: sinks.latency,
    steady: sinks.steady,
    windowUs: [streamStartUs, streamEndUs],
    checks: watches.map((w) => checkReply(w.text, TOKENS)),
    deltaEvents: watches.reduce((n, w) => n + w.deltaEvents, 0),
    firstReceipt: Math.min(...watches.map((w) => w.firstReceipt).filter((t) => !Number.isNaN(t))),
    lastReceipt: Math.max(...watches.map((w) => w.lastReceipt).filter((t) => !Number.isNaN(t))),
    windowSeconds,
    cpu,
    machineBusyCores: busyCores(machineBefore, machineAfter),
    failures,
  };
  const split = sinks.split;
  const diagnosis = split && notified ? { toWorkerMs: split.toWorker.summary(), fromWorkerMs: split.fromWorker.summary(), ...notified } : null;
  const seqGaps = watches.reduce((n, w) => n + w.seqGaps, 0);
  const seqDuplicates = watches.reduce((n, w) => n + w.seqDuplicates, 0);
  const idleSandboxMemory = {
    runtimes: memory.runtimes,
    runtimeRssMb: idleRuntimeRssMb,
    treeRssMbPerRuntime: memory.treeRssBytes / 2 ** 20 / Math.max(1, memory.runtimes),
  };
  return {
    idleSandboxMemory,
    url,
    key,
    watches,
    targets,
    crash,
    platform,
    diagnosis,
    seqGaps,
    seqDuplicates,
    streamStartUs,
    streamEndUs,
    /** Stops this API and worker (the worker stops its sandboxes). */
    async stop() {
      await Promise.all(watches.map((w) => w.close().catch(() => undefined)));
      state.watches = [];
      state.leftovers.push(...identify(descendantsOf(worker.pid)));
      await worker.stop();
      await api.stop();
      killLeftovers(state.leftovers);
      state.worker = null;
    },
  };
}

type Diagnosis = { toWorkerMs: Summary; fromWorkerMs: Summary; notifications: number; events: number };

/** Counts the event bus's notifications (and the events in them) on a LISTEN connection of our own. */
async function countNotifications(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  let notifications = 0;
  let events = 0;
  client.on('notification', (msg) => {
    notifications++;
    const payload = msg.payload ?? '';
    for (let i = payload.indexOf('"seq":'); i >= 0; i = payload.indexOf('"seq":', i + 6)) events++;
  });
  await client.query('LISTEN paddock_events');
  return {
    reset() {
      notifications = 0;
      events = 0;
    },
    read: () => ({ notifications, events }),
    close: () => client.end().catch(() => undefined),
  };
}

/** The children get a minimal environment: no DATABASE_URL or keys from the caller's shell. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ'].includes(name)) env[name] = value;
    // Lets a caller tune the platform (e.g. PADDOCK_DB_POOL_SIZE) for an experiment.
    else if (name.startsWith('PADDOCK_') && !['PADDOCK_ADMIN_KEY', 'PADDOCK_DATA_DIR', 'PADDOCK_LOG_LEVEL'].includes(name)) env[name] = value;
  }
  return env;
}

// -------------------------------------------------------------- results ---

type SideFigures = {
  tokensExpected: number;
  tokensReceived: number;
  lostTokens: number;
  duplicatedTokens: number;
  exactReplies: number;
  deltaEvents: number;
  latencyMs: Summary;
  /** Tokens received once every turn had been running for a while: start-up burst excluded. */
  steadyLatencyMs: Summary;
  deliveredTokensPerSecond: number;
  windowSeconds: number;
  cpuSeconds: Record<string, number>;
  cpuSecondsPerThousandTokens: Record<string, number>;
  machineBusyCores: number;
  /** Busy cores not explained by the processes the bench measured: other work on the machine. */
  otherBusyCores: number;
  failures: string[];
};

function side(result: WindowResult, apiWorker: boolean): SideFigures {
  const sum = (f: (c: ReplyCheck) => number) => result.checks.reduce((n, c) => n + f(c), 0);
  const received = sum((c) => c.received);
  const delivered = received - sum((c) => c.duplicated);
  const spread = (result.lastReceipt - result.firstReceipt) / 1000;
  const cpu = { ...result.cpu };
  if (apiWorker) cpu.apiPlusWorker = (cpu.api ?? 0) + (cpu.worker ?? 0);
  const perThousand: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(cpu)) perThousand[name] = delivered > 0 ? (seconds / delivered) * 1000 : Number.NaN;
  return {
    tokensExpected: SESSIONS * TOKENS,
    tokensReceived: received,
    lostTokens: sum((c) => c.lost),
    duplicatedTokens: sum((c) => c.duplicated),
    exactReplies: result.checks.filter((c) => c.exact).length,
    deltaEvents: result.deltaEvents,
    latencyMs: result.latency.summary(),
    steadyLatencyMs: result.steady.summary(),
    deliveredTokensPerSecond: spread > 0 ? delivered / spread : Number.NaN,
    windowSeconds: result.windowSeconds,
    cpuSeconds: cpu,
    cpuSecondsPerThousandTokens: perThousand,
    machineBusyCores: result.machineBusyCores,
    otherBusyCores: Math.max(0, result.machineBusyCores - Object.entries(result.cpu).reduce((n, [, v]) => n + v, 0) / result.windowSeconds),
    failures: result.failures,
  };
}

type Results = ReturnType<typeof buildResults>;

function buildResults(input: {
  platform: WindowResult;
  floor: WindowResult | null;
  seqGaps: number;
  seqDuplicates: number;
  diagnosis: Diagnosis | null;
  subscriptions: {
    count: number;
    opened: number;
    failures: string[];
    connectedMs: Summary;
    firstEventMs: Summary;
    caughtUpMs: Summary;
    eventsPerSession: Summary;
    apiCpuSeconds: number;
  };
  idleSandboxMemory: { runtimes: number; runtimeRssMb: Summary; treeRssMbPerRuntime: number };
  /** The same load with tracing and metrics on, against the window above with both off. */
  telemetry: TelemetryComparison | null;
  /** Where the profiles are, and the measured windows on the monotonic clock they use. */
  cpuProfiles: { dir: string; windowsUs: Partial<Record<'stream' | 'burst' | 'floor', [number, number]>> } | null;
}) {
  const platform = { ...side(input.platform, true), seqGaps: input.seqGaps, seqDuplicates: input.seqDuplicates };
  const floor = input.floor ? side(input.floor, false) : null;
  // Paddock's own cost: the same percentile via Paddock minus read straight from the runtimes.
  const added = (via: Summary, direct: Summary) => ({ p50: via.p50 - direct.p50, p99: via.p99 - direct.p99, max: via.max - direct.max });
  const addedOverFloorMs = floor ? { all: added(platform.latencyMs, floor.latencyMs), steady: added(platform.steadyLatencyMs, floor.steadyLatencyMs) } : null;
  // A short run has no samples after the warm-up (NaN): it is judged on the whole run.
  const addedP99s = addedOverFloorMs ? [addedOverFloorMs.all.p99, addedOverFloorMs.steady.p99].filter(Number.isFinite) : [];
  // The floor's own tail says whether the machine had room: when it is above the goal, the box,
  // not Paddock, sets the tail, and a difference of two saturated p99s proves nothing.
  const floorP99 = floor ? (Number.isFinite(floor.steadyLatencyMs.p99) ? floor.steadyLatencyMs.p99 : floor.latencyMs.p99) : NaN;
  const floorQuiet = floorP99 < GOALS.latencyP99Ms;
  const goals = {
    noLostOrDuplicatedTokens: {
      goal: 'zero lost or duplicated tokens',
      pass: platform.lostTokens === 0 && platform.duplicatedTokens === 0 && platform.seqGaps === 0 && platform.seqDuplicates === 0,
    },
    // Added over the floor, both with the warm-up and after it; without a floor, the whole emit→receipt p99.
    latencyP99: addedOverFloorMs
      ? {
          goal: floorQuiet
            ? `p99 added over the floor < ${GOALS.latencyP99Ms} ms`
            : `p99 added over the floor < ${GOALS.latencyP99Ms} ms (not judged: the floor's own p99 is ${floorP99.toFixed(1)} ms, the machine is saturated)`,
          judged: floorQuiet,
          pass: floorQuiet && addedP99s.length > 0 && Math.max(...addedP99s) < GOALS.latencyP99Ms,
        }
      : { goal: `p99 emit→receipt < ${GOALS.latencyP99Ms} ms`, judged: true, pass: platform.latencyMs.p99 < GOALS.latencyP99Ms },
    cpu: {
      goal: `API + worker < ${GOALS.cpuPerThousandTokens} CPU-s per 1,000 tokens`,
      pass: (platform.cpuSecondsPerThousandTokens.apiPlusWorker ?? Infinity) < GOALS.cpuPerThousandTokens,
    },
    subscribe: {
      goal: `${input.subscriptions.count} simultaneous subscriptions: first event p50 < ${GOALS.subscribeP50Ms} ms, p99 < ${GOALS.subscribeP99Ms} ms`,
      pass:
        input.subscriptions.opened === input.subscriptions.count &&
        input.subscriptions.firstEventMs.p50 < GOALS.subscribeP50Ms &&
        input.subscriptions.firstEventMs.p99 < GOALS.subscribeP99Ms,
    },
    ...(input.telemetry ? { telemetry: { goal: input.telemetry.goal, pass: input.telemetry.pass } } : {}),
  };
  return {
    bench: 'stream',
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageAtStart: LOAD_AT_START,
      loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))),
    },
    params: {
      sessions: SESSIONS,
      tokensPerReply: TOKENS,
      tokensPerSecondPerSession: RATE,
      offeredTokensPerSecond: SESSIONS * RATE,
      subscribers: SUBSCRIBERS,
      sandboxNice: SANDBOX_NICE,
    },
    platform,
    floor,
    addedOverFloorMs,
    subscriptions: input.subscriptions,
    diagnosis: input.diagnosis,
    idleSandboxMemory: input.idleSandboxMemory,
    telemetry: input.telemetry,
    goals,
    allGoalsMet: Object.values(goals).every((g) => g.pass),
    cpuProfiles: input.cpuProfiles,
  };
}

const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const fmtMs = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : '–');
const fmtCpu = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(3) : '–');
const verdict = (pass: boolean, judged = true) => (!judged ? 'NOT JUDGED' : pass ? 'PASS' : 'MISS');

function printReport(r: Results) {
  const p = r.platform;
  const f = r.floor;
  const s = r.subscriptions;
  const pk = p.cpuSecondsPerThousandTokens;
  const fk = f?.cpuSecondsPerThousandTokens;
  const rows: string[][] = [
    ['', 'via Paddock (graphql-ws)', 'runtime direct (floor)', 'goal', ''],
    [
      'tokens received / expected',
      `${fmtInt(p.tokensReceived)} / ${fmtInt(p.tokensExpected)}`,
      f ? `${fmtInt(f.tokensReceived)} / ${fmtInt(f.tokensExpected)}` : '–',
      '',
      '',
    ],
    [
      'lost / duplicated tokens',
      `${p.lostTokens} / ${p.duplicatedTokens}`,
      f ? `${f.lostTokens} / ${f.duplicatedTokens}` : '–',
      '0 / 0',
      verdict(r.goals.noLostOrDuplicatedTokens.pass),
    ],
    ['replies exactly tok1..tokN', `${p.exactReplies} / ${SESSIONS}`, f ? `${f.exactReplies} / ${SESSIONS}` : '–', '', ''],
    ['seq gaps / duplicates', `${p.seqGaps} / ${p.seqDuplicates}`, '', '0 / 0', ''],
    [
      'events carrying tokens',
      `${fmtInt(p.deltaEvents)} (${(p.tokensReceived / Math.max(1, p.deltaEvents)).toFixed(2)} tok/event)`,
      f ? `${fmtInt(f.deltaEvents)}` : '–',
      '',
      '',
    ],
    ['emit→receipt latency p50', fmtMs(p.latencyMs.p50), f ? fmtMs(f.latencyMs.p50) : '–', '', ''],
    ['                     p90', fmtMs(p.latencyMs.p90), f ? fmtMs(f.latencyMs.p90) : '–', '', ''],
    [
      '                     p99',
      fmtMs(p.latencyMs.p99),
      f ? fmtMs(f.latencyMs.p99) : '–',
      r.addedOverFloorMs ? '' : `< ${GOALS.latencyP99Ms} ms`,
      r.addedOverFloorMs ? '' : verdict(r.goals.latencyP99.pass),
    ],
    ['                     max', fmtMs(p.latencyMs.max), f ? fmtMs(f.latencyMs.max) : '–', '', ''],
    [`  after the first ${STEADY_AFTER_MS / 1000} s: p50`, fmtMs(p.steadyLatencyMs.p50), f ? fmtMs(f.steadyLatencyMs.p50) : '–', '', ''],
    ['                     p99', fmtMs(p.steadyLatencyMs.p99), f ? fmtMs(f.steadyLatencyMs.p99) : '–', '', ''],
    ...(r.addedOverFloorMs
      ? [
          [
            'added over the floor p50 / p99 / max',
            `${fmtMs(r.addedOverFloorMs.all.p50)} / ${fmtMs(r.addedOverFloorMs.all.p99)} / ${fmtMs(r.addedOverFloorMs.all.max)}`,
            '',
            `p99 < ${GOALS.latencyP99Ms} ms`,
            verdict(r.goals.latencyP99.pass, r.goals.latencyP99.judged),
          ],
          [
            `  after the first ${STEADY_AFTER_MS / 1000} s`,
            `${fmtMs(r.addedOverFloorMs.steady.p50)} / ${fmtMs(r.addedOverFloorMs.steady.p99)} / ${fmtMs(r.addedOverFloorMs.steady.max)}`,
            '',
            `p99 < ${GOALS.latencyP99Ms} ms`,
            verdict(r.goals.latencyP99.pass, r.goals.latencyP99.judged),
          ],
        ]
      : []),
    ['delivered tokens/s', fmtInt(p.deliveredTokensPerSecond), f ? fmtInt(f.deliveredTokensPerSecond) : '–', `(${fmtInt(SESSIONS * RATE)} offered)`, ''],
    ['measured window', `${p.windowSeconds.toFixed(1)} s`, f ? `${f.windowSeconds.toFixed(1)} s` : '–', '', ''],
    ['CPU-s / 1,000 tokens: API', fmtCpu(pk.api), '', '', ''],
    ['                      worker', fmtCpu(pk.worker), '', '', ''],
    ['                      API + worker', fmtCpu(pk.apiPlusWorker), '', `< ${GOALS.cpuPerThousandTokens}`, verdict(r.goals.cpu.pass)],
    ['                      sandbox runtimes', fmtCpu(pk.runtimes), fmtCpu(fk?.runtimes), '(not in API + worker)', ''],
    ['                      PostgreSQL', fmtCpu(pk.postgres), '', '', ''],
    ['                      mock LLM', fmtCpu(pk.mock), fmtCpu(fk?.mock), '', ''],
    ['                      bench client', fmtCpu(pk.client), fmtCpu(fk?.client), '', ''],
    [
      'busy cores during window',
      `${p.machineBusyCores.toFixed(2)} of ${r.machine.cpus}`,
      f ? `${f.machineBusyCores.toFixed(2)} of ${r.machine.cpus}` : '–',
      '',
      '',
    ],
    ['  of which other work on the machine', p.otherBusyCores.toFixed(2), f ? f.otherBusyCores.toFixed(2) : '–', '', ''],
    [`${s.count} subscriptions at once: connected p50`, fmtMs(s.connectedMs.p50), '', '', ''],
    ['                      first event p50', fmtMs(s.firstEventMs.p50), '', `< ${GOALS.subscribeP50Ms} ms`, verdict(r.goals.subscribe.pass)],
    ['                      first event p99', fmtMs(s.firstEventMs.p99), '', `< ${GOALS.subscribeP99Ms} ms`, verdict(r.goals.subscribe.pass)],
    [`  full replay (~${fmtInt(s.eventsPerSession.p50)} events) p50`, fmtMs(s.caughtUpMs.p50), '', '', ''],
    ['                      full replay p99', fmtMs(s.caughtUpMs.p99), '', '', ''],
    ['                      API CPU-s for the burst', fmtCpu(s.apiCpuSeconds), '', '', ''],
    [
      'idle sandbox: runtime RSS p50 / max',
      `${r.idleSandboxMemory.runtimeRssMb.p50.toFixed(1)} / ${r.idleSandboxMemory.runtimeRssMb.max.toFixed(1)} MB`,
      '',
      '',
      '',
    ],
    ['  whole sandbox tree per runtime', `${r.idleSandboxMemory.treeRssMbPerRuntime.toFixed(1)} MB (${r.idleSandboxMemory.runtimes} runtimes)`, '', '', ''],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  say(
    `\nLoad average at start ${r.machine.loadAverageAtStart.join(' ')}, at end ${r.machine.loadAverageAtEnd.join(' ')} (${r.machine.cpus} CPUs): figures on a busy machine are pessimistic.`,
  );
  say('');
  for (const [i, row] of rows.entries()) {
    say(
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    );
    if (i === 0) say(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  const d = r.diagnosis;
  if (d) {
    say('\nDiagnosis (--diagnose): latency split where the worker stamps createdAt (ms precision)');
    say(`  runtime emit → worker seq    p50 ${fmtMs(d.toWorkerMs.p50)}  p99 ${fmtMs(d.toWorkerMs.p99)}  max ${fmtMs(d.toWorkerMs.max)}`);
    say(`  worker seq → subscriber      p50 ${fmtMs(d.fromWorkerMs.p50)}  p99 ${fmtMs(d.fromWorkerMs.p99)}  max ${fmtMs(d.fromWorkerMs.max)}`);
    say(
      `  bus: ${fmtInt(d.notifications)} NOTIFYs carrying ${fmtInt(d.events)} events (${(d.events / Math.max(1, d.notifications)).toFixed(2)} events per NOTIFY)`,
    );
  }
  const t = r.telemetry;
  if (t) {
    say('\nTracing (OTLP/HTTP protobuf, every turn sampled) and metrics (/metrics scraped every 5 s) on vs off, same load:');
    const c = t.apiPlusWorkerCpuPerThousandTokens;
    say(
      `  API + worker CPU-s / 1,000 tokens   off ${fmtCpu(c.off)}  on ${fmtCpu(c.on)}  added ${c.addedPercent.toFixed(1)} %  (goal < 10 %) ${verdict(t.pass)}`,
    );
    say(`    of which worker                   off ${fmtCpu(t.workerCpuPerThousandTokens.off)}  on ${fmtCpu(t.workerCpuPerThousandTokens.on)}`);
    say(`    of which API                      off ${fmtCpu(t.apiCpuPerThousandTokens.off)}  on ${fmtCpu(t.apiCpuPerThousandTokens.on)}`);
    say(`  emit→receipt latency p50            off ${fmtMs(t.latencyP50Ms.off)}  on ${fmtMs(t.latencyP50Ms.on)}`);
    say(`                       p99            off ${fmtMs(t.latencyP99Ms.off)}  on ${fmtMs(t.latencyP99Ms.on)}  added ${fmtMs(t.latencyP99Ms.addedMs)}`);
    say(
      `    after the first ${STEADY_AFTER_MS / 1000} s p99           off ${fmtMs(t.steadyLatencyP99Ms.off)}  on ${fmtMs(t.steadyLatencyP99Ms.on)}  added ${fmtMs(t.steadyLatencyP99Ms.addedMs)}`,
    );
    say(`  OTLP exports received: ${fmtInt(t.exports.requests)} requests, ${fmtInt(t.exports.bytes)} bytes`);
  }
  const problems = [
    ...p.failures,
    ...(t?.failuresWithTelemetry ?? []).map((x) => `telemetry on: ${x}`),
    ...(f?.failures ?? []).map((x) => `floor: ${x}`),
    ...s.failures.map((x) => `subscribe: ${x}`),
  ];
  if (s.opened < s.count) problems.unshift(`only ${s.opened} of ${s.count} subscriptions replayed fully`);
  if (problems.length > 0) {
    say(`\nProblems (${problems.length}):`);
    for (const problem of problems.slice(0, 10)) say(`  ${problem}`);
  }
  say(
    `\n${
      r.allGoalsMet
        ? 'All goals met.'
        : `Goals missed: ${Object.values(r.goals)
            .filter((g) => !g.pass)
            .map((g) => g.goal)
            .join('; ')}`
    }`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    clearTimeout(hardLimit);
    say(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    void cleanup().finally(() => process.exit(1));
  },
);
