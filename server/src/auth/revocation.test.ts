import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';

/**
 * Revocation reaches every API process and every open socket. Besides the API in this
 * test process, a real `bin/api.ts` runs as a child with two API processes sharing its
 * port, over the same database: all they learn from the first is what crosses PostgreSQL.
 */
let t: TestPlatform;
let child: ChildProcess;
let childUrl: string;
let sessionId: string;
let teamId: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

beforeAll(async () => {
  t = await startTestPlatform();
  const team = await t.newTeam('revoked');
  teamId = team.teamId;
  const agent = (await team.client.ok<{ createAgent: { id: string } }>('mutation { createAgent(input: { name: "r", harness: "chat" }) { id } }')).createAgent
    .id;
  sessionId = (await team.client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: agent }))
    .createSession.id;

  const port = await freePort();
  childUrl = `http://127.0.0.1:${port}`;
  const serverDir = path.resolve(import.meta.dirname, '../..');
  child = spawn(process.execPath, ['--import', 'tsx', path.join(serverDir, 'src/bin/api.ts')], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: t.config.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PADDOCK_DATA_DIR: t.dataDir,
      PADDOCK_ADMIN_KEY: t.adminKey,
      PADDOCK_API_PROCESSES: '2',
      PADDOCK_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A new Node process loading the TypeScript sources: minutes on a saturated machine.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ready = await fetch(`${childUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the child API did not become ready (${child.exitCode === null ? 'still starting' : `exited with code ${child.exitCode}`})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 300_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await t.close();
});

async function newKey(): Promise<{ id: string; key: string }> {
  const created = await t.admin.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
    'mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "soon revoked", role: MEMBER }) { key apiKey { id } } }',
    { t: teamId },
  );
  return { id: created.createApiKey.apiKey.id, key: created.createApiKey.key };
}

function socket(url: string, key: string): { client: Client; closed: Promise<{ code: number; reason: string; at: number }> } {
  let resolve!: (value: { code: number; reason: string; at: number }) => void;
  const closed = new Promise<{ code: number; reason: string; at: number }>((r) => (resolve = r));
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: { closed: (event) => resolve({ code: (event as CloseEvent).code, reason: (event as CloseEvent).reason, at: performance.now() }) },
  });
  return { client, closed };
}

describe('revocation', () => {
  it("closes the key's sockets on every API process with 4403 within 2 s, and refuses it everywhere", async () => {
    const { id, key } = await newKey();
    // Several sockets on the child, so both of its processes hold some; one on this process.
    const remote = Array.from({ length: 4 }, () => socket(childUrl, key));
    const local = socket(t.url, key);
    const events: unknown[] = [];
    const ended = new Promise<unknown>((resolve) => {
      remote[0]!.client.subscribe(
        { query: 'subscription($s: ID!) { sessionEvents(sessionId: $s) { seq type } }', variables: { s: sessionId } },
        { next: (value) => events.push(value), error: resolve, complete: () => resolve('complete') },
      );
    });
    // Every socket has run an operation with the key, and both servers have cached it.
    for (const s of [...remote, local]) {
      await new Promise((resolve, reject) => s.client.subscribe({ query: '{ viewer { role } }' }, { next: resolve, error: reject, complete: () => undefined }));
    }
    const viaChild = new GraphqlClient(childUrl, key);
    await viaChild.ok('{ viewer { role } }');
    await new GraphqlClient(t.url, key).ok('{ viewer { role } }');
    await expect.poll(() => events.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const revokedAt = performance.now();
    await t.admin.ok('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id });
    const closes = await Promise.all([...remote, local].map((s) => s.closed));
    const latency = Math.max(...closes.map((c) => c.at)) - revokedAt;
    console.log(`revocation closed ${closes.length} sockets on 3 API processes in ${latency.toFixed(0)} ms`);
    for (const close of closes) expect(close).toMatchObject({ code: 4403, reason: 'API key revoked' });
    expect(latency).toBeLessThan(2_000);
    await ended;

    for (let i = 0; i < 4; i++) expect((await viaChild.error('{ viewer { role } }')).extensions?.code).toBe('UNAUTHENTICATED');
    for (const s of [...remote, local]) await s.client.dispose();
  });

  it('refuses new operations on a socket opened with the key after it was revoked', async () => {
    const { id, key } = await newKey();
    await t.admin.ok('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id });
    const late = socket(childUrl, key);
    const result = await new Promise<{ errors?: { extensions?: { code?: string } }[] }>((resolve, reject) => {
      late.client.subscribe({ query: '{ viewer { role } }' }, { next: (v) => resolve(v as never), error: reject, complete: () => undefined });
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await late.client.dispose();
  });
});
