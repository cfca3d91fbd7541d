/**
 * `pnpm bench:runtime`: what one harness runtime costs, the unit that scales to thousands
 * of sandboxes.
 *
 * N runtimes, started the way the local sandbox driver starts them (same Node flags, same
 * entry), each stream a `/long T rate=R` reply from the offline mock model at a fixed
 * token rate. The bench reports the runtimes' CPU per 1,000 tokens (utime + stime from
 * /proc: CPU time, unlike latency, hardly depends on how busy the machine is) and their
 * idle memory, fresh (a warm sandbox before its session) and after a turn: RSS from
 * /proc/PID/status, PSS from /proc/PID/smaps_rollup (shared pages such as Node's own code
 * divided among the processes mapping them, so PSS × N is what N runtimes take).
 *
 * `--baseline REF` measures the runtime of a git commit beside this tree's, with the same
 * load, taking turns, so both see the same machine.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { RuntimeClient, unixEndpoint } from '@paddock/harness-runtime/client';
import { resolveRuntimeEntry, RUNTIME_NODE_FLAGS, RUNTIME_SOURCE } from '../src/sandbox/local/runtime-entry.ts';
import { cpuBetween, liveChildren, refuseNewChildren, snapshotCpu, startChild, type Child } from './stream/procs.ts';
import { checkReply, summaryOf } from './stream/stats.ts';
import { positiveFlags } from './args.ts';
import { MOCK_GATEWAY_KEY } from './mock-gateway.ts';

const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const REPO_DIR = path.resolve(SERVER_DIR, '..');
const RESULTS_DIR = path.join(SERVER_DIR, 'bench', 'results');
const RELAY_ENTRY = path.join(SERVER_DIR, 'bench', 'runtime-relay.ts');
const RELAY_VARIANT = 'bare Node relay';
const MOCK_ENTRY = path.join(REPO_DIR, 'harnesses', 'mock-llm', 'src', 'main.ts');

const USAGE = `Usage: pnpm bench:runtime [options]
  --runtimes N      runtimes streaming at once (default 4)
  --tokens T        tokens per reply (default 2000)
  --rate R          tokens per second per runtime (default 100)
  --rounds K        measure each variant K times, taking turns (default 2)
  --idle-seconds S  how long a runtime sits idle before its memory is read (default 5)
  --baseline REF    also measure the runtime of this git commit (e.g. ef414d1^1)
  --source          also measure this tree's runtime run from its TypeScript source
  --relay           also measure a bare Node relay of the same stream (bench/runtime-relay.ts):
                    the floor for any Node process doing this work
  --cpu-prof        write a V8 CPU profile of one more runtime of each variant to bench/results/
  --max-seconds M   hard limit for the whole run (default 120 + rounds × variants × 2 × T/R)`;

const { values: flags } = parseArgs({
  options: {
    runtimes: { type: 'string', default: '4' },
    tokens: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    'idle-seconds': { type: 'string', default: '5' },
    baseline: { type: 'string' },
    source: { type: 'boolean', default: false },
    relay: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'max-seconds': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const positive = positiveFlags(USAGE);

const RUNTIMES = positive('runtimes', flags.runtimes);
const TOKENS = positive('tokens', flags.tokens);
const RATE = positive('rate', flags.rate, false);
const ROUNDS = positive('rounds', flags.rounds);
const IDLE_MS = positive('idle-seconds', flags['idle-seconds'], false) * 1000;

const say = (message: string) => console.log(message);

/** How one variant's runtime is started. */
type Variant = { name: string; argv: string[]; cwd: string };

type Memory = { rssMb: number; pssMb: number };

type Round = {
  idleFresh: Memory[];
  idleAfterTurn: Memory[];
  cpuMsPerThousandTokens: number;
  /** `message.delta` events per token: 1 unless the runtime coalesced tokens read together. */
  deltasPerToken: number;
  exact: boolean;
};

/** RSS and PSS of a live process, in MiB. */
function memoryOf(pid: number): Memory {
  const kb = (text: string, field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`no ${field} for pid ${pid}`);
    return Number(match[1]) / 1024;
  };
  return {
    rssMb: kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS'),
    pssMb: kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss'),
  };
}

/** A commit's runtime package in a temp dir, resolving its dependencies from this checkout's. */
async function checkoutRuntime(ref: string, dir: string): Promise<string> {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
  const archive = execFileSync('git', ['archive', commit, 'harnesses/runtime/src', 'harnesses/runtime/package.json', 'harnesses/chat.yaml'], {
    cwd: REPO_DIR,
    maxBuffer: 64 * 2 ** 20,
  });
  await mkdir(dir, { recursive: true });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  await symlink(path.join(REPO_DIR, 'harnesses', 'runtime', 'node_modules'), path.join(dir, 'harnesses', 'runtime', 'node_modules'));
  return commit;
}

async function measure(variant: Variant, mockUrl: string, dir: string, profileDir: string | undefined): Promise<Round> {
  const children: Child[] = [];
  const count = RUNTIMES + (profileDir ? 1 : 0);
  try {
    const runtimes = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const workspace = path.join(dir, `runtime-${i}`);
        await mkdir(workspace, { recursive: true });
        const token = randomBytes(16).toString('hex');
        const socket = path.join(dir, `runtime-${i}.sock`);
        const profiled = profileDir !== undefined && i === RUNTIMES;
        const [node, ...rest] = variant.argv;
        const { child } = await startChild({
          name: `${variant.name} runtime ${i}`,
          argv: [
            node!,
            ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=runtime-${variant.name.replace(/\W+/g, '_')}.cpuprofile`] : []),
            ...rest,
          ],
          cwd: variant.cwd,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: workspace,
            LANG: 'C.UTF-8',
            PADDOCK_RUNTIME_TOKEN: token,
            // A Unix socket, as from the local driver (which binds it and passes it down).
            PADDOCK_RUNTIME_SOCKET: socket,
            PADDOCK_WORKSPACE: workspace,
            PADDOCK_HARNESS: 'chat',
          },
          logFile: path.join(dir, `runtime-${i}.log`),
          ready: (line) => (line.includes('"listening"') ? true : undefined),
          timeoutMs: 60_000,
        });
        children.push(child);
        return { child, client: new RuntimeClient({ baseUrl: unixEndpoint(socket), token }), profiled };
      }),
    );
    const measured = runtimes.filter((r) => !r.profiled);
    await sleep(IDLE_MS);
    const idleFresh = measured.map((r) => memoryOf(r.child.pid));

    await Promise.all(
      runtimes.map(async ({ client }) => {
        await client.attach({
          sessionId: randomUUID(),
          systemPrompt: 'You are a benchmark.',
          model: 'paddock-mock',
          gateway: { baseUrl: mockUrl, apiKey: MOCK_GATEWAY_KEY },
          env: {},
          history: [],
        });
        // Warm-up: every runtime runs the streaming path once before it is measured.
        for await (const _ of client.startTurn({ turnId: randomUUID(), content: '/long 20 rate=0' })) void _;
      }),
    );

    const targets = [{ name: 'runtimes', pids: measured.map((r) => r.child.pid) }];
    const before = snapshotCpu(targets);
    const replies = await Promise.all(
      runtimes.map(async ({ client }) => {
        const parts: string[] = [];
        let deltas = 0;
        for await (const event of client.startTurn({ turnId: randomUUID(), content: `/long ${TOKENS} rate=${RATE}` })) {
          if (event.type === 'message.delta') {
            parts.push(event.delta);
            deltas++;
          } else if (event.type === 'turn.failed') throw new Error(`${variant.name}: turn failed: ${event.error}`);
        }
        return { text: parts.join(''), deltas };
      }),
    );
    const cpuSeconds = cpuBetween(before, snapshotCpu(targets)).runtimes ?? 0;
    const checks = replies.map((r) => checkReply(r.text, TOKENS));
    const tokens = measured.length * TOKENS;

    await sleep(IDLE_MS);
    const idleAfterTurn = measured.map((r) => memoryOf(r.child.pid));
    return {
      idleFresh,
      idleAfterTurn,
      cpuMsPerThousandTokens: (cpuSeconds * 1000) / (tokens / 1000),
      deltasPerToken: replies.slice(0, measured.length).reduce((sum, r) => sum + r.deltas, 0) / tokens,
      exact: checks.every((c) => c.exact),
    };
  } finally {
    await Promise.all(children.map((c) => c.stop(5_000)));
  }
}

const median = (values: number[]) => summaryOf(values).p50;
const change = (from: number, to: number) => `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(0)}%`;
const p50 = (memories: Memory[], key: keyof Memory) => median(memories.map((m) => m[key]));

async function main() {
  const variantCount = 1 + (flags.source ? 1 : 0) + (flags.baseline ? 1 : 0) + (flags.relay ? 1 : 0);
  const maxSeconds = flags['max-seconds']
    ? positive('max-seconds', flags['max-seconds'], false)
    : 120 + ROUNDS * variantCount * 2 * (TOKENS / RATE + 2 * (IDLE_MS / 1000));
  const timer = setTimeout(() => {
    say(`bench:runtime: stopped after its limit of ${maxSeconds} s`);
    void cleanup().then(() => process.exit(1));
  }, maxSeconds * 1000);
  timer.unref();

  say(
    `Paddock runtime bench: ${RUNTIMES} runtimes × ${TOKENS} tokens at ${RATE} tokens/s, ${ROUNDS} round(s), ${os.cpus().length} CPUs, Node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'paddock-bench-runtime-'));
  state.tmp = tmp;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = flags['cpu-prof'] ? path.join(RESULTS_DIR, `runtime-${stamp}-profiles`) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });

  const entry = resolveRuntimeEntry();
  if (entry.problem) say(`  (${entry.problem}: measuring the source, as the local driver would run it; pnpm build:runtime builds the bundle)`);
  const variants: Variant[] = [
    { name: entry.bundled ? 'this tree' : 'this tree, from source', argv: [process.execPath, ...RUNTIME_NODE_FLAGS, entry.path], cwd: REPO_DIR },
  ];
  if (flags.source && entry.bundled) {
    variants.push({ name: 'this tree, from source', argv: [process.execPath, ...RUNTIME_NODE_FLAGS, RUNTIME_SOURCE], cwd: REPO_DIR });
  }
  if (flags.relay) {
    variants.push({ name: RELAY_VARIANT, argv: [process.execPath, ...RUNTIME_NODE_FLAGS, RELAY_ENTRY], cwd: REPO_DIR });
  }
  if (flags.baseline) {
    const dir = path.join(tmp, 'baseline');
    const commit = await checkoutRuntime(flags.baseline, dir);
    variants.unshift({
      name: `${flags.baseline} (${commit.slice(0, 7)})`,
      argv: [process.execPath, '--disable-sigusr1', path.join(dir, 'harnesses', 'runtime', 'src', 'main.ts')],
      cwd: dir,
    });
  }
  const shown = (arg: string) => (arg.startsWith(`${REPO_DIR}/`) ? path.relative(REPO_DIR, arg) : arg);
  for (const v of variants) say(`  ${v.name}: ${v.argv.map(shown).join(' ')}`);

  const { child: mock, ready: mockUrl } = await startChild({
    name: 'mock LLM',
    argv: [process.execPath, MOCK_ENTRY, '--port', '0', '--host', '127.0.0.1'],
    cwd: REPO_DIR,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    logFile: path.join(tmp, 'mock-llm.log'),
    ready: (line) => (line.includes('"listening"') ? (JSON.parse(line) as { url: string }).url : undefined),
    timeoutMs: 30_000,
  });
  void mock;

  const rounds = new Map<string, Round[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, variant] of variants.entries()) {
      say(`- round ${round + 1}: ${variant.name}`);
      const dir = path.join(tmp, `round-${round}-${index}`);
      await mkdir(dir);
      const result = await measure(variant, mockUrl!, dir, round === 0 ? profileDir : undefined);
      if (!result.exact) throw new Error(`${variant.name}: a reply was not exactly tok1 … tok${TOKENS}`);
      say(
        `  ${result.cpuMsPerThousandTokens.toFixed(1)} CPU-ms / 1,000 tokens; idle RSS ${p50(result.idleFresh, 'rssMb').toFixed(1)} MB fresh, ${p50(result.idleAfterTurn, 'rssMb').toFixed(1)} MB after a turn`,
      );
      rounds.get(variant.name)!.push(result);
    }
  }

  const summary = variants.map((v) => {
    const results = rounds.get(v.name)!;
    const all = (pick: (r: Round) => Memory[]) => results.flatMap(pick);
    return {
      variant: v.name,
      argv: v.argv,
      cpuMsPerThousandTokens: summaryOf(results.map((r) => r.cpuMsPerThousandTokens)).mean,
      cpuMsPerThousandTokensRounds: results.map((r) => Number(r.cpuMsPerThousandTokens.toFixed(2))),
      deltasPerToken: median(results.map((r) => r.deltasPerToken)),
      idleFresh: {
        rssMb: p50(
          all((r) => r.idleFresh),
          'rssMb',
        ),
        pssMb: p50(
          all((r) => r.idleFresh),
          'pssMb',
        ),
      },
      idleAfterTurn: {
        rssMb: p50(
          all((r) => r.idleAfterTurn),
          'rssMb',
        ),
        pssMb: p50(
          all((r) => r.idleAfterTurn),
          'pssMb',
        ),
      },
    };
  });

  say('');
  const rows = [
    ['runtime', 'CPU-ms / 1k tokens', 'deltas / token', 'idle RSS / PSS fresh', 'idle RSS / PSS after a turn'],
    ...summary.map((s) => [
      s.variant,
      `${s.cpuMsPerThousandTokens.toFixed(1)} (${s.cpuMsPerThousandTokensRounds.join(', ')})`,
      s.deltasPerToken.toFixed(2),
      `${s.idleFresh.rssMb.toFixed(1)} / ${s.idleFresh.pssMb.toFixed(1)} MB`,
      `${s.idleAfterTurn.rssMb.toFixed(1)} / ${s.idleAfterTurn.pssMb.toFixed(1)} MB`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) say(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  say('(CPU: mean over rounds, each round in brackets; memory: p50 over every runtime of every round)');
  // This tree's own runtime (bundled, or from source when there is no bundle) is the first variant named for it.
  const tree = summary.find((s) => s.variant.startsWith('this tree'))!;
  if (flags.baseline) {
    const [before, after] = [summary[0]!, tree];
    say(
      `${after.variant} against ${before.variant}: CPU per token ${change(before.cpuMsPerThousandTokens, after.cpuMsPerThousandTokens)}; idle RSS ${change(before.idleFresh.rssMb, after.idleFresh.rssMb)} fresh, ${change(before.idleAfterTurn.rssMb, after.idleAfterTurn.rssMb)} after a turn; PSS ${change(before.idleFresh.pssMb, after.idleFresh.pssMb)} fresh, ${change(before.idleAfterTurn.pssMb, after.idleAfterTurn.pssMb)} after a turn`,
    );
  }

  const relay = summary.find((s) => s.variant === RELAY_VARIANT);
  if (relay) say(`${tree.variant} against the ${RELAY_VARIANT}: CPU per token ${change(relay.cpuMsPerThousandTokens, tree.cpuMsPerThousandTokens)}`);

  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `runtime-${stamp}.json`);
  const results = {
    runtimes: RUNTIMES,
    tokens: TOKENS,
    rate: RATE,
    rounds: ROUNDS,
    idleSeconds: IDLE_MS / 1000,
    node: process.version,
    cpus: os.cpus().length,
    summary,
  };
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  say(`results: ${path.relative(process.cwd(), file)}${profileDir ? `; CPU profiles: ${path.relative(process.cwd(), profileDir)}` : ''}`);
}

const state: { tmp: string | null } = { tmp: null };
let cleaning: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    refuseNewChildren();
    await Promise.all([...liveChildren].map((c) => c.stop(5_000)));
    if (state.tmp) await rm(state.tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`bench:runtime: ${signal}, stopping`);
    void cleanup().then(() => process.exit(130));
  });
}

main().then(
  () => cleanup().then(() => process.exit(0)),
  (error: unknown) => {
    console.error(`bench:runtime failed: ${error instanceof Error ? error.message : String(error)}`);
    void cleanup().then(() => process.exit(1));
  },
);
