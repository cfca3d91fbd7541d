/**
 * `pnpm bench:automations`: how punctual schedules are, and how soon a webhook hears of a
 * finished turn.
 *
 * 1. Schedule firing jitter: --schedules schedules, each due once, spread over ten
 *    consecutive seconds (so several are due in the same second), fired by --schedulers
 *    schedulers (each as a worker runs it, with its own database pool) racing for them.
 *    Jitter is from the due time to the run's session row being created; each due time
 *    must fire exactly once. Turns are not run in this phase (no sandbox work competes).
 * 2. Webhook latency: a real worker runs --turns turns against the offline mock model; a
 *    webhook subscribed to turn.completed posts to a receiver on 127.0.0.1 that verifies
 *    every delivery with the standardwebhooks library. Latency is from the turn.completed
 *    event being stored to the receiver having the verified request.
 *
 * Everything runs in a temp dir with an embedded PostgreSQL, and is removed at the end.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startMockLlm } from '@paddock/mock-llm';
import { Webhook } from 'standardwebhooks';
import type { Viewer } from '../src/auth/viewer.ts';
import { startScheduler } from '../src/automations/worker.ts';
import { loadConfig } from '../src/config/index.ts';
import { createLogger } from '../src/log/index.ts';
import { openPlatform, type Platform } from '../src/platform/open.ts';
import { startWorker } from '../src/worker/index.ts';
import { MOCK_GATEWAY_KEY } from './mock-gateway.ts';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '100' },
    schedulers: { type: 'string', default: '2' },
    turns: { type: 'string', default: '30' },
  },
});
const SCHEDULES = Number(values.schedules);
const SCHEDULERS = Number(values.schedulers);
const TURNS = Number(values.turns);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
function summary(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  return `n=${s.length} p50=${percentile(s, 50).toFixed(1)} ms p99=${percentile(s, 99).toFixed(1)} ms max=${s.at(-1)!.toFixed(1)} ms`;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-bench-automations-'));
  // Phase 1 leaves its turns queued (no worker runs them), so the running-sessions quota is off.
  const env = { PADDOCK_DATA_DIR: dataDir, PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1', PADDOCK_TEAM_MAX_RUNNING_SESSIONS: '0', PADDOCK_WORKER_CONCURRENCY: '8' };
  const log = createLogger('bench-automations', process.env.PADDOCK_LOG_LEVEL ?? 'warn');
  const platforms: Platform[] = [];
  try {
    const main = await openPlatform(loadConfig(env), log);
    platforms.push(main);
    const { services } = main;
    const team = await services.teams.createTeam('bench');
    const viewer: Viewer = { keyId: 'bench', keyName: 'bench', teamId: team.id, role: 'MEMBER' };
    const agent = await services.agents.create(viewer, { name: 'bench-agent', harness: 'chat' });

    // Phase 1: schedule firing jitter.
    const schedulerPlatforms = [main];
    for (let i = 1; i < SCHEDULERS; i++) {
      const other = await openPlatform(loadConfig({ ...env, DATABASE_URL: main.databaseUrl }), log);
      platforms.push(other);
      schedulerPlatforms.push(other);
    }
    const start = Math.ceil(Date.now() / 1000) * 1000 + 5_000;
    const dueTimes: Date[] = [];
    for (let i = 0; i < SCHEDULES; i++) {
      const due = new Date(start + (i % 10) * 1000);
      dueTimes.push(due);
      const cron = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} ${due.getUTCDate()} ${due.getUTCMonth() + 1} *`;
      await services.schedules.create(viewer, { agentId: agent.id, name: `s${i}`, cron, timezone: 'UTC', prompt: 'Run {{runNumber}} for {{scheduledAt}}' });
    }
    const schedulers = schedulerPlatforms.map((p) => startScheduler(p.services, log));
    await until(async () => (await services.db.scheduleRun.count({ where: { outcome: { not: 'PENDING' } } })) >= SCHEDULES, 'every schedule to fire', 60_000);
    await Promise.all(schedulers.map((s) => s.close()));
    const runs = await services.db.scheduleRun.findMany({ include: { session: { select: { createdAt: true } } } });
    const perDue = new Set(runs.map((r) => `${r.scheduleId}:${r.scheduledAt.getTime()}`));
    const jitter = runs.filter((r) => r.session).map((r) => r.session!.createdAt.getTime() - r.scheduledAt.getTime());
    console.log(`schedules: ${SCHEDULES} due over 10 s, ${SCHEDULERS} schedulers racing`);
    const outcomes: Record<string, number> = {};
    for (const run of runs) outcomes[run.outcome] = (outcomes[run.outcome] ?? 0) + 1;
    console.log(`  runs recorded ${runs.length}, distinct due times ${perDue.size}, outcomes ${JSON.stringify(outcomes)}`);
    console.log(`  firing jitter (due time → session created): ${summary(jitter)}`);

    // Phase 1's sessions go, so the worker of phase 2 finds their turns gone and runs only its own.
    await services.db.session.deleteMany({ where: { id: { in: runs.flatMap((r) => (r.sessionId ? [r.sessionId] : [])) } } });

    // Phase 2: webhook delivery latency after turn.completed.
    const received = new Map<string, number>();
    let secret = '';
    let failures = 0;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = Date.now();
        try {
          const payload = new Webhook(secret).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>) as {
            data: { sessionId: string; seq: number };
          };
          received.set(`${payload.data.sessionId}:${payload.data.seq}`, at);
        } catch {
          failures += 1;
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 2000 });
    const worker = await startWorker(main, { baseUrl: mock.url, apiKey: MOCK_GATEWAY_KEY });
    try {
      const created = await services.webhooks.create(viewer, {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        events: ['turn.completed'],
      });
      secret = created.secret;
      const sessions = await Promise.all(Array.from({ length: 3 }, () => services.sessions.create(viewer, { agentId: agent.id, title: 'webhook bench' })));
      for (let i = 0; i < TURNS; i++) {
        const session = sessions[i % sessions.length]!;
        const before = received.size;
        await services.sessions.sendMessage(viewer, { sessionId: session.id, content: `turn ${i}` });
        await until(async () => received.size > before, `the webhook of turn ${i}`, 120_000);
      }
      const events = await services.db.sessionEvent.findMany({ where: { type: 'turn.completed', sessionId: { in: sessions.map((s) => s.id) } } });
      const { encodeGlobalId } = await import('../src/ids/global-id.ts');
      const latency = events.map((e) => received.get(`${encodeGlobalId('Session', e.sessionId)}:${e.seq}`)! - e.createdAt.getTime());
      console.log(`webhooks: ${TURNS} turns, receiver verified ${received.size} deliveries, ${failures} failed verification`);
      console.log(`  delivery latency (turn.completed stored → receiver has it): ${summary(latency)}`);
    } finally {
      await worker.close();
      await mock.close();
      receiver.close();
    }
  } finally {
    for (const p of platforms.reverse()) await p.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
