/**
 * The local warm pool through the public API: sandboxes started ahead of their sessions,
 * each taken by exactly one session, never reused, without egress rights until taken.
 */
import { request } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../../ids/global-id.ts';
import type { GraphqlClient } from '../../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/platform.ts';
import { Subscriber } from '../../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../../test/worker.ts';

/** Sandboxes start one after another on a machine that may be busy. */
const TIMEOUT = 240_000;
const POOL = 2;
let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
let agentId: string;
let workerClosed = false;
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  ({ client, key } = await t.newTeam());
  // The agent exists before the worker starts, so the pool fills for its harness at once.
  agentId = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "warm", harness: "chat" }) { id } }`)).createAgent.id;
  worker = await startTestWorker(t, { PADDOCK_LOCAL_WARM_POOL: String(POOL), PADDOCK_SANDBOX_IDLE_SECONDS: '600' });
}, TIMEOUT);
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  if (!workerClosed) await worker?.close();
  await t?.close();
});

const pool = () => worker.worker.sandboxes.warm!;
const sandboxesDir = () => path.join(t.dataDir, 'sandboxes');
const warmDirs = async () => (await readdir(sandboxesDir()).catch(() => [] as string[])).filter((name) => name.startsWith('pw-'));

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function newSession(): Promise<string> {
  return (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
}

/** Sends CONTENT and waits for the turn's end; returns the events the turn produced. */
async function turn(sessionId: string, content: string): Promise<Subscriber['events']> {
  const { session } = await client.ok<{ session: { lastSeq: number } }>(`query($s: ID!) { session(id: $s) { lastSeq } }`, { s: sessionId });
  const live = new Subscriber(t.url, key).subscribe(sessionId, session.lastSeq);
  subscribers.push(live);
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });
  await live.waitFor(
    (events) =>
      events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed') &&
      events.at(-1)?.type === 'session.status' &&
      events.at(-1)?.payload?.status !== 'RUNNING',
    90_000,
  );
  await live.close();
  return live.events;
}

async function sandboxOf(sessionId: string) {
  return t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: decodeGlobalId(sessionId).id } });
}

/** A sandbox's process environment, read as an attacker on the host could. */
async function environOf(name: string): Promise<string> {
  const pid = Number(await readFile(path.join(sandboxesDir(), name, 'pid'), 'utf8'));
  return readFile(`/proc/${pid}/environ`, 'utf8');
}

/** The runtime's egress token of a session's sandbox, as the platform keeps it. */
async function egressTokenOf(sessionId: string): Promise<string> {
  return t.platform.services.secrets.open((await sandboxOf(sessionId)).egressTokenCipher!);
}

/** A plain-HTTP request through the worker's egress proxy socket with those credentials; the proxy's status. */
function throughProxy(token: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: worker.worker.sandboxes.settings.egress.socketPath,
        method: 'GET',
        path: target,
        headers: { host: new URL(target).host, 'proxy-authorization': `Basic ${Buffer.from(`paddock:${token}`).toString('base64')}` },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the local warm pool', () => {
  it(
    'starts sandboxes for the harnesses agents use before any session asks',
    async () => {
      await until(() => pool().sizes().chat === POOL, `${POOL} warm chat sandboxes`);
      expect(await warmDirs()).toHaveLength(POOL);
      expect((await worker.worker.sandboxes.driver.list()).filter((n) => n.startsWith('pw-'))).toHaveLength(POOL);
      // Housekeeping's reconcile leaves them alone although no session owns them yet.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(pool().sizes().chat).toBe(POOL);
      expect(await t.platform.services.db.sandbox.count()).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'a warm sandbox holds no egress credentials until a session takes it',
    async () => {
      await until(() => pool().sizes().chat === POOL, `${POOL} warm chat sandboxes`);
      const [name] = await warmDirs();
      const environ = await environOf(name!);
      expect(environ).toContain('PADDOCK_EGRESS_SOCKET=');
      expect(environ).not.toMatch(/(HTTPS?|ALL)_PROXY=|paddock:/i);
    },
    TIMEOUT,
  );

  it(
    "a new session's first message runs in a warm sandbox, with no provisioning, and the pool refills",
    async () => {
      await until(() => pool().sizes().chat === POOL, `${POOL} warm chat sandboxes`);
      const before = new Set(await warmDirs());
      const session = await newSession();
      const events = await turn(session, '/tool pwd && id -u');
      expect(events.find((e) => e.type === 'turn.failed')).toBeUndefined();
      const statuses = events.filter((e) => e.type === 'session.status').map((e) => e.payload?.status);
      expect(statuses).not.toContain('PROVISIONING');
      expect(String(events.find((e) => e.type === 'tool.result')?.payload?.output)).toMatch(/^\/workspace\n\d+/);
      const sandbox = await sandboxOf(session);
      expect(before.has(sandbox.name)).toBe(true);
      expect(sandbox.phase).toBe('READY');
      // Taken, its egress credentials now work: the turn's reply came through them.
      expect(await throughProxy(await egressTokenOf(session), `${worker.worker.sandboxes.settings.gateway.baseUrl}/models`)).not.toBe(407);
      await until(() => pool().sizes().chat === POOL, 'the pool to refill');
      expect(pool().holds(sandbox.name)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'each sandbox serves one session only and is removed, never reused, when its session ends',
    async () => {
      await until(() => pool().sizes().chat === POOL, `${POOL} warm chat sandboxes`);
      const [a, b] = await Promise.all([newSession(), newSession()]);
      await Promise.all([turn(a, 'hello a'), turn(b, 'hello b')]);
      const [sa, sb] = await Promise.all([sandboxOf(a), sandboxOf(b)]);
      expect(sa.name).not.toBe(sb.name);
      // The host directory holding every sandbox, warm ones included, is not there inside.
      const probe = String((await turn(a, `/tool ls ${sandboxesDir()} 2>&1; echo done`)).find((e) => e.type === 'tool.result')?.payload?.output);
      expect(probe).toContain('done');
      expect(probe).not.toMatch(/pw-\d+-/);
      // A file one session leaves is not visible to the other.
      await turn(a, '/tool echo mine > a.txt');
      expect(String((await turn(b, '/tool ls')).find((e) => e.type === 'tool.result')?.payload?.output)).not.toContain('a.txt');

      await client.ok(`mutation($s: ID!) { endSession(sessionId: $s) { id } }`, { s: a });
      await until(async () => !(await readdir(sandboxesDir())).includes(sa.name), 'the ended session’s sandbox to be removed');
      await until(() => pool().sizes().chat === POOL, 'the pool to refill');
      const next = await newSession();
      await turn(next, 'hello again');
      const sn = await sandboxOf(next);
      expect([sa.name, sb.name]).not.toContain(sn.name);
    },
    TIMEOUT,
  );

  it(
    'closing the worker removes the sandboxes still waiting in the pool',
    async () => {
      await until(() => pool().sizes().chat === POOL, `${POOL} warm chat sandboxes`);
      const waiting = await warmDirs();
      const held = waiting.filter((name) => pool().holds(name));
      expect(held).toHaveLength(POOL);
      await worker.close();
      workerClosed = true;
      const left = await warmDirs();
      for (const name of held) expect(left).not.toContain(name);
    },
    TIMEOUT,
  );
});
