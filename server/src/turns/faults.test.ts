/**
 * The fault suite: PostgreSQL stopped, restarted and SIGKILLed mid-turn and at a turn's
 * end, workers SIGKILLed and SIGTERMed mid-turn, a second worker starting under a burst,
 * a hanging and a failing model gateway, a frozen sandbox. Every scenario checks that no
 * event is lost or duplicated (the stored log equals what each subscriber saw, and the
 * reply equals the mock's scripted text), that no session is left stuck, and that
 * recovery stays within its bound.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { killSandboxes, signalSandbox, startControlledPostgres, WorkerProcess, type ControlledPostgres } from '../../test/faults.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber, textOf, type LiveEvent } from '../../test/subscriber.ts';

let pg: ControlledPostgres;
let t: TestPlatform;
let mock: MockLlm;
let client: GraphqlClient;
let key: string;
let agentId: string;
let worker: WorkerProcess;
const workers: WorkerProcess[] = [];
const subscribers: Subscriber[] = [];
/** One line per scenario, printed at the end: what was measured. */
const results: { scenario: string; lost: number; duplicated: number; recoveryMs: number | null }[] = [];

const SCENARIO_TIMEOUT = 180_000;

function workerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: pg.databaseUrl,
    PADDOCK_DATA_DIR: t.dataDir,
    LITELLM_API_BASE: mock.url,
    LITELLM_API_KEY: 'mock-key',
    PADDOCK_HOUSEKEEPING_SECONDS: '1',
    PADDOCK_TURN_STALE_SECONDS: '60',
    PADDOCK_STREAM_IDLE_TIMEOUT_SECONDS: '3',
    PADDOCK_MODEL_FIRST_BYTE_TIMEOUT_SECONDS: '3',
    PADDOCK_MODEL_MAX_RETRIES: '2',
    PADDOCK_SHUTDOWN_GRACE_SECONDS: '30',
    PADDOCK_WORKER_CONCURRENCY: '8',
    PADDOCK_DB_POOL_SIZE: '2',
    PADDOCK_LOCAL_WARM_POOL: '0',
    ...extra,
  };
}

async function startWorker(extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const started = await WorkerProcess.start(workerEnv(extra));
  workers.push(started);
  return started;
}

/** Stops every worker with SIGTERM and waits for each to exit. */
async function stopWorkers(): Promise<void> {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  workers.length = 0;
}

beforeAll(async () => {
  pg = await startControlledPostgres();
  t = await startTestPlatform({ DATABASE_URL: pg.databaseUrl });
  mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 200 });
  ({ client, key } = await t.newTeam());
  agentId = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "faulty", harness: "chat" }) { id } }`)).createAgent.id;
  worker = await startWorker();
}, 240_000);

afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close().catch(() => undefined)));
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  if (t) await killSandboxes(t.dataDir);
  await mock?.close();
  await t?.close();
  await pg?.close();
  // The figures the suite measured, for whoever reads the run's output.
  console.info(
    `fault suite results\n${results.map((r) => `  ${r.scenario}: lost ${r.lost}, duplicated ${r.duplicated}, recovery ${r.recoveryMs ?? '-'} ms`).join('\n')}`,
  );
}, 120_000);

type Session = { id: string; dbId: string };

async function newSession(): Promise<Session> {
  const id = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
  return { id, dbId: decodeGlobalId(id).id };
}

async function send(session: Session, content: string): Promise<void> {
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: session.id, c: content });
}

/** Two independent subscribers from the start of the session. */
function watch(session: Session): [Subscriber, Subscriber] {
  const pair = [new Subscriber(t.url, key).subscribe(session.id), new Subscriber(t.url, key).subscribe(session.id)] as [Subscriber, Subscriber];
  subscribers.push(...pair);
  return pair;
}

const tokens = (n: number) => Array.from({ length: n }, (_, i) => `tok${i + 1}`).join(' ');
const deltas = (events: LiveEvent[]) => events.filter((e) => e.type === 'message.delta').length;
/** A session takes new messages in both; FAILED is where a turn that produced no reply leaves it. */
const SETTLED = ['IDLE', 'FAILED'];
const ended = (count: number) => (events: LiveEvent[]) =>
  events.filter((e) => ['turn.completed', 'turn.failed', 'turn.cancelled'].includes(e.type)).length >= count &&
  events.at(-1)?.type === 'session.status' &&
  SETTLED.includes(String(events.at(-1)?.payload?.status));

/**
 * The invariants of every scenario: each subscriber saw exactly the stored log (same
 * events, same order, nothing twice), the session is settled with no turn left running,
 * and the assistant's text in the log is `text`.
 */
async function verify(scenario: string, session: Session, subs: Subscriber[], opts: { turns?: number; text?: string; recoveryMs?: number | null } = {}) {
  for (const sub of subs) await sub.waitFor(ended(opts.turns ?? 1), 120_000);
  const { db } = t.platform.services;
  const stored = (await db.sessionEvent.findMany({ where: { sessionId: session.dbId }, orderBy: { seq: 'asc' } })).map((e) => ({
    seq: e.seq,
    type: e.type,
    messageId: e.messageId,
    delta: e.delta,
    payload: e.payload,
  }));
  let lost = 0;
  let duplicated = 0;
  for (const sub of subs) {
    const seen = sub.events.map((e) => ({
      seq: e.seq,
      type: e.type,
      messageId: e.messageId && decodeGlobalId(e.messageId).id,
      delta: e.delta,
      payload: e.payload,
    }));
    const seenSeqs = new Set(seen.map((e) => e.seq));
    lost += stored.filter((e) => !seenSeqs.has(e.seq)).length;
    duplicated += seen.length - seenSeqs.size;
    expect(seen).toEqual(stored);
  }
  for (let i = 1; i < stored.length; i++) expect(stored[i]!.seq).toBeGreaterThan(stored[i - 1]!.seq);
  const row = await db.session.findUniqueOrThrow({ where: { id: session.dbId } });
  expect(SETTLED).toContain(row.status);
  expect(await db.turn.count({ where: { sessionId: session.dbId, status: { in: ['QUEUED', 'RUNNING'] } } })).toBe(0);
  if (opts.text !== undefined) {
    // A failed turn names its error here rather than as a text mismatch.
    expect(stored.filter((e) => e.type === 'turn.failed').map((e) => e.payload)).toEqual([]);
    expect(
      stored
        .filter((e) => e.type === 'message.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe(opts.text);
  }
  results.push({ scenario, lost, duplicated, recoveryMs: opts.recoveryMs ?? null });
  expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
}

async function lockedJobs(): Promise<number> {
  const rows = await t.platform.services.db.$queryRaw<
    { n: bigint }[]
  >`SELECT count(*) AS n FROM graphile_worker.jobs WHERE locked_at IS NOT NULL AND task_identifier = 'run-turn'`;
  return Number(rows[0]!.n);
}

async function jobsOf(turnId: string): Promise<number> {
  const rows = await t.platform.services.db.$queryRaw<
    { n: bigint }[]
  >`SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE payload->>'turnId' = ${turnId}`;
  return Number(rows[0]!.n);
}

async function lastAssistant(session: Session) {
  return t.platform.services.db.message.findFirstOrThrow({ where: { sessionId: session.dbId, role: 'ASSISTANT' }, orderBy: { id: 'desc' } });
}

describe('faults', () => {
  it(
    'a hanging gateway fails the turn at the first-byte and stream-idle timeouts, naming the gateway',
    async () => {
      const session = await newSession();
      const subs = watch(session);
      await send(session, '/hang');
      await subs[0].waitForType('turn.failed', 1, 60_000);
      // From the model request (the sandbox is running), not from provisioning.
      const started = subs[0].receivedAt[subs[0].events.findLastIndex((e) => e.type === 'session.status' && e.payload?.status === 'RUNNING')]!;
      const failedAt = subs[0].receivedAt[subs[0].events.findIndex((e) => e.type === 'turn.failed')]!;
      expect(String(subs[0].events.find((e) => e.type === 'turn.failed')!.payload?.error)).toMatch(/model gateway did not start answering within 3 s/);
      await verify('hanging gateway (no first byte)', session, subs, { recoveryMs: failedAt - started });

      await send(session, '/hang after=3');
      await subs[0].waitForType('turn.failed', 2, 60_000);
      const failure = subs[0].events.filter((e) => e.type === 'turn.failed')[1]!;
      expect(String(failure.payload?.error)).toMatch(/stopped sending the answer for 3 s/);
      // The partial reply is kept, and the runtime, silent while it waited, was not taken for frozen.
      expect(textOf(subs[0].events, failure.messageId!)).toBe('tok1 tok2 tok3 ');
      expect((await lastAssistant(session)).content).toBe('tok1 tok2 tok3 ');
      await verify('hanging gateway (mid-stream)', session, subs, { turns: 2 });
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'a failing gateway is retried with backoff honouring Retry-After, each retry recorded, up to the limit',
    async () => {
      const session = await newSession();
      const subs = watch(session);
      await send(session, '/fail 503 times=2 retry-after=1');
      await subs[0].waitForType('turn.completed', 1, 60_000);
      const retries = subs[0].events.filter((e) => e.type === 'model.retry');
      expect(retries.map((e) => [e.payload?.attempt, e.payload?.status, e.payload?.delayMs])).toEqual([
        [1, 503, 1000],
        [2, 503, 1000],
      ]);
      const reply = subs[0].events.find((e) => e.type === 'message.completed')!;
      expect(String(reply.payload?.content)).toMatch(/^You said: \/fail 503 times=2 retry-after=1/);
      await verify('failing gateway, recovers', session, subs);

      await send(session, '/fail 500');
      await subs[0].waitForType('turn.failed', 1, 60_000);
      expect(subs[0].events.filter((e) => e.type === 'model.retry')).toHaveLength(4);
      expect(String(subs[0].events.find((e) => e.type === 'turn.failed')!.payload?.error)).toMatch(
        /model gateway failed \(HTTP 500\).*gave up after 2 retries/,
      );
      await verify('failing gateway, gives up', session, subs, { turns: 2 });
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'a frozen sandbox is detected, reported, and replaced on the next message',
    async () => {
      const session = await newSession();
      const subs = watch(session);
      await send(session, '/long 400 rate=20');
      await subs[0].waitFor((events) => deltas(events) >= 3, 60_000);
      const sandbox = await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: session.dbId } });
      const frozenAt = Date.now();
      await signalSandbox(t.dataDir, sandbox.name, 'SIGSTOP');
      await subs[0].waitForType('turn.failed', 1, 60_000);
      const detectedMs = subs[0].receivedAt[subs[0].events.findIndex((e) => e.type === 'turn.failed')]! - frozenAt;
      expect(String(subs[0].events.find((e) => e.type === 'turn.failed')!.payload?.error)).toMatch(/sandbox stopped responding/);
      // Idle timeout (3 s) plus the health check's 5 s, with room for a busy machine.
      expect(detectedMs).toBeLessThan(30_000);
      await verify('frozen sandbox', session, subs, { recoveryMs: detectedMs });
      expect((await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: session.dbId } })).phase).not.toBe('READY');

      await send(session, 'are you back?');
      await subs[0].waitForType('turn.completed', 1, 90_000);
      await verify('frozen sandbox, next message', session, subs, { turns: 2 });
      expect((await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: session.dbId } })).phase).toBe('READY');
    },
    SCENARIO_TIMEOUT,
  );

  for (const fault of ['stop', 'kill'] as const) {
    it(
      `PostgreSQL ${fault === 'stop' ? 'restarted' : 'SIGKILLed and restarted'} mid-turn: nothing lost, the reply completes`,
      async () => {
        const session = await newSession();
        const subs = watch(session);
        await send(session, '/long 200 rate=40');
        await subs[0].waitFor((events) => deltas(events) >= 5, 60_000);
        const other = await newSession();
        await (fault === 'stop' ? pg.stop() : pg.kill());
        // A mutation meanwhile gets a coded, retryable error, not an internal one.
        const refused = await client.request(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hi" }) { id } }`, { s: other.id });
        expect(refused.status).not.toBe(500);
        expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE']);
        await sleep(1_000);
        await pg.start();
        const back = Date.now();
        await subs[0].waitForType('turn.completed', 1, 120_000);
        const recoveryMs = Date.now() - back;
        await verify(`PostgreSQL ${fault} mid-turn`, session, subs, { text: tokens(200), recoveryMs });
        const message = await lastAssistant(session);
        expect([message.status, message.content]).toEqual(['COMPLETE', tokens(200)]);
        expect(worker.child.exitCode).toBeNull();
      },
      SCENARIO_TIMEOUT,
    );
  }

  it(
    'PostgreSQL down when a turn ends: the worker survives and stores the end once it returns',
    async () => {
      const session = await newSession();
      const subs = watch(session);
      const logged = worker.output.length;
      await send(session, '/long 30 rate=5');
      await subs[0].waitFor((events) => textOf(events, events.find((e) => e.type === 'message.delta')?.messageId ?? '').includes('tok25'), 60_000);
      await pg.stop();
      // The reply ends while the database is away.
      await sleep(3_000);
      await pg.start();
      const back = Date.now();
      await subs[0].waitForType('turn.completed', 1, 120_000);
      await verify('PostgreSQL down at turn end', session, subs, { text: tokens(30), recoveryMs: Date.now() - back });
      const message = await lastAssistant(session);
      expect([message.status, message.content]).toEqual(['COMPLETE', tokens(30)]);
      // The fault did hit the turn's end: storing it was retried.
      expect(worker.output.slice(logged).some((line) => line.includes('retrying until'))).toBe(true);
      expect(worker.child.exitCode).toBeNull();
      expect(worker.errors().filter((line) => /uncaught|exiting/.test(line))).toEqual([]);
      // The worker still runs turns.
      await send(session, 'still there?');
      await verify('PostgreSQL down at turn end, next turn', session, subs, { turns: 2 });
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'a second worker starting under a burst: every message is taken and answered',
    async () => {
      // Stall detection is not under test here, and on a saturated machine eight sandboxes
      // starting at once can hold a reply past the suite's 3 s timeouts: these workers wait
      // as long as the defaults do.
      const patient = { PADDOCK_STREAM_IDLE_TIMEOUT_SECONDS: '120', PADDOCK_MODEL_FIRST_BYTE_TIMEOUT_SECONDS: '60' };
      await stopWorkers();
      worker = await startWorker(patient);
      const sessions = await Promise.all(Array.from({ length: 8 }, () => newSession()));
      const subs = sessions.map((s) => [new Subscriber(t.url, key).subscribe(s.id)]);
      subscribers.push(...subs.flat());
      const second = startWorker(patient);
      const started = Date.now();
      const sent = await Promise.allSettled(sessions.map((s, i) => send(s, `/long 20 rate=20 burst ${i}`)));
      expect(sent.filter((r) => r.status === 'rejected')).toEqual([]);
      await second;
      for (const [i, session] of sessions.entries()) await verify(`burst session ${i + 1}/8`, session, subs[i]!, { text: tokens(20) });
      results.push({ scenario: 'burst of 8 with a second worker starting: all answered', lost: 0, duplicated: 0, recoveryMs: Date.now() - started });
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'SIGTERM mid-turn drains: the running turn finishes, the worker exits, no job stays locked',
    async () => {
      // Any worker may hold the turn: stop whichever runs it.
      const session = await newSession();
      const subs = watch(session);
      await send(session, '/long 60 rate=20');
      await subs[0].waitFor((events) => deltas(events) >= 3, 60_000);
      const turn = await t.platform.services.db.turn.findFirstOrThrow({ where: { sessionId: session.dbId } });
      const holder = workers.find((w) => turn.workerId?.includes(`-${w.child.pid}-`))!;
      holder.kill('SIGTERM');
      await verify('worker SIGTERM mid-turn (drained)', session, subs, { text: tokens(60) });
      expect(await holder.exited).toEqual({ code: 0, signal: null });
      expect(await lockedJobs()).toBe(0);
      workers.splice(workers.indexOf(holder), 1);
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'SIGTERM past the grace period ends the turn FAILED with its partial reply kept',
    async () => {
      await stopWorkers();
      worker = await startWorker({ PADDOCK_SHUTDOWN_GRACE_SECONDS: '1' });
      const session = await newSession();
      const subs = watch(session);
      await send(session, '/long 400 rate=20');
      await subs[0].waitFor((events) => deltas(events) >= 3, 60_000);
      const stopping = Date.now();
      worker.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      const exitMs = Date.now() - stopping;
      await verify('worker SIGTERM past the grace period', session, subs, { recoveryMs: exitMs });
      const failure = subs[0].events.find((e) => e.type === 'turn.failed')!;
      expect(String(failure.payload?.error)).toMatch(/shut down before this turn finished/);
      const message = await lastAssistant(session);
      expect([message.status, message.content]).toEqual(['FAILED', textOf(subs[0].events, failure.messageId!)]);
      expect(await lockedJobs()).toBe(0);
      workers.length = 0;
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'worker SIGKILL mid-turn: recovery ends the turn at once with the partial reply kept, and releases the job lock',
    async () => {
      // The victim must be the one worker that can take the turn.
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      workers.length = 0;
      const victim = await startWorker();
      const session = await newSession();
      const subs = watch(session);
      await send(session, '/long 400 rate=20');
      await subs[0].waitFor((events) => deltas(events) >= 5, 60_000);
      victim.kill('SIGKILL');
      await victim.exited;
      const seenBefore = textOf(subs[0].events, subs[0].events.find((e) => e.type === 'message.delta')!.messageId!);

      worker = await startWorker({ PADDOCK_TURN_STALE_SECONDS: '2' });
      await subs[0].waitForType('turn.failed', 1, 60_000);
      const failure = subs[0].events.find((e) => e.type === 'turn.failed')!;
      expect(String(failure.payload?.error)).toMatch(/went silent/);
      const turn = await t.platform.services.db.turn.findFirstOrThrow({ where: { sessionId: session.dbId } });
      // From the recovery's commit to the subscriber.
      const deliveryMs = subs[0].receivedAt[subs[0].events.indexOf(failure)]! - turn.endedAt!.getTime();
      expect(deliveryMs).toBeLessThan(2_000);
      await verify('worker SIGKILL mid-turn', session, subs, { recoveryMs: deliveryMs });
      const message = await lastAssistant(session);
      expect(message.status).toBe('FAILED');
      // Everything streamed before the kill is in the row (rebuilt from the stored deltas).
      expect(message.content.startsWith(seenBefore)).toBe(true);
      expect(message.content).toBe(textOf(subs[0].events, failure.messageId!));
      // The dead worker's lock on the job is released and the moot job completed. Released,
      // the job is locked again for a moment by the worker that completes it, so the end
      // state to wait for is the job gone, not merely unlocked.
      const deadline = Date.now() + 60_000;
      while ((await jobsOf(turn.id)) > 0 && Date.now() < deadline) await sleep(500);
      expect(await jobsOf(turn.id)).toBe(0);

      await send(session, 'again');
      await verify('worker SIGKILL, next message', session, subs, { turns: 2 });
    },
    SCENARIO_TIMEOUT,
  );
});
