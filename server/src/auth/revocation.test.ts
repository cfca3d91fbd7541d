import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { startApi } from '../platform/api.ts';
import { openPlatform, type Platform } from '../platform/open.ts';
import type { HttpServer } from '../http/server.ts';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';

/**
 * Revocation reaches every API process and every open socket. The second API here has
 * its own platform (database pool, event bus connection, key cache) over the same
 * database, so all it learns from the first is what crosses PostgreSQL.
 */
let t: TestPlatform;
let second: { platform: Platform; http: HttpServer };
let sessionId: string;
let teamId: string;

beforeAll(async () => {
  t = await startTestPlatform();
  const team = await t.newTeam('revoked');
  teamId = team.teamId;
  const agent = (await team.client.ok<{ createAgent: { id: string } }>('mutation { createAgent(input: { name: "r", harness: "chat" }) { id } }')).createAgent.id;
  sessionId = (await team.client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: agent })).createSession.id;
  const platform = await openPlatform(t.config, createLogger('second-api', 'silent'));
  second = { platform, http: await startApi(platform, { port: 0 }) };
});
afterAll(async () => {
  await second.http.close();
  await second.platform.close();
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
  it('closes the key\'s sockets on every API process with 4403 within 2 s, and refuses it everywhere', async () => {
    const { id, key } = await newKey();
    const onSecond = socket(second.http.url, key);
    const onFirst = socket(t.url, key);
    const events: unknown[] = [];
    const ended = new Promise<unknown>((resolve) => {
      onSecond.client.subscribe(
        { query: 'subscription($s: ID!) { sessionEvents(sessionId: $s) { seq type } }', variables: { s: sessionId } },
        { next: (value) => events.push(value), error: resolve, complete: () => resolve('complete') },
      );
    });
    const viaSecond = new GraphqlClient(second.http.url, key);
    // Both processes have seen the key work (and cached it).
    await viaSecond.ok('{ viewer { role } }');
    await new GraphqlClient(t.url, key).ok('{ viewer { role } }');
    await expect.poll(() => events.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const revokedAt = performance.now();
    await t.admin.ok('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id });
    const [second4403, first4403] = await Promise.all([onSecond.closed, onFirst.closed]);
    const latency = Math.max(second4403.at, first4403.at) - revokedAt;
    console.log(`revocation reached both API processes' sockets in ${latency.toFixed(0)} ms`);
    expect(second4403).toMatchObject({ code: 4403, reason: 'API key revoked' });
    expect(first4403).toMatchObject({ code: 4403 });
    expect(latency).toBeLessThan(2_000);
    await ended;

    const refused = await viaSecond.error('{ viewer { role } }');
    expect(refused.extensions?.code).toBe('UNAUTHENTICATED');
    await onSecond.client.dispose();
    await onFirst.client.dispose();
  });

  it('refuses new operations on a socket opened with the key after it was revoked', async () => {
    const { id, key } = await newKey();
    await t.admin.ok('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id });
    const late = socket(second.http.url, key);
    const result = await new Promise<{ errors?: { extensions?: { code?: string } }[] }>((resolve, reject) => {
      late.client.subscribe({ query: '{ viewer { role } }' }, { next: (v) => resolve(v as never), error: reject, complete: () => undefined });
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await late.client.dispose();
  });
});
