import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { newId } from '../ids/index.ts';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { IncomingMessage } from 'node:http';
import { loadConfig } from '../config/index.ts';
import { Throttle } from './throttle.ts';

/** Abuse limits, with small values so the tests reach them quickly. */
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({
    PADDOCK_AUTH_FAILURES_PER_MINUTE: '5',
    PADDOCK_KEY_REQUESTS_PER_SECOND: '20',
    PADDOCK_WS_MAX_SUBSCRIPTIONS: '3',
    PADDOCK_TEAM_MAX_RUNNING_SESSIONS: '2',
    PADDOCK_TEAM_MAX_SANDBOXES: '3',
  });
});
afterAll(() => t.close());

const wsUrl = () => `${t.url.replace('http', 'ws')}/graphql`;

async function teamWithSessions(name: string, count: number) {
  const team = await t.newTeam(name);
  const agent = (await team.client.ok<{ createAgent: { id: string } }>('mutation { createAgent(input: { name: "q", harness: "chat" }) { id } }')).createAgent
    .id;
  const sessions: string[] = [];
  for (let i = 0; i < count; i++) {
    sessions.push(
      (await team.client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: agent }))
        .createSession.id,
    );
  }
  return { ...team, sessions };
}

const SEND = 'mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "go" }) { id } }';

describe('team quotas', () => {
  it('refuses a turn beyond PADDOCK_TEAM_MAX_RUNNING_SESSIONS with CONFLICT / QUOTA_EXCEEDED', async () => {
    const team = await teamWithSessions('quota-running', 3);
    // No worker runs here, so started turns stay RUNNING.
    await team.client.ok(SEND, { s: team.sessions[0] });
    await team.client.ok(SEND, { s: team.sessions[1] });
    const refused = await team.client.error(SEND, { s: team.sessions[2] });
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', reason: 'QUOTA_EXCEEDED', quota: 'PADDOCK_TEAM_MAX_RUNNING_SESSIONS', max: 2 });
    expect(refused.message).toMatch(/cancelTurn/);
    // Nothing of the refused turn was stored.
    const session = await team.client.ok<{ session: { status: string; messages: { edges: unknown[] } } }>(
      'query($s: ID!) { session(id: $s) { status messages { edges { cursor } } } }',
      { s: team.sessions[2] },
    );
    expect(session.session).toEqual({ status: 'IDLE', messages: { edges: [] } });
    // Another team is not affected.
    const other = await teamWithSessions('quota-other', 1);
    await other.client.ok(SEND, { s: other.sessions[0] });
    // Freeing a slot lets the turn start.
    await team.client.ok('mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }', { s: team.sessions[0] });
    await t.platform.services.db.session.update({ where: { id: decodeGlobalId(team.sessions[0]!).id }, data: { status: 'IDLE' } });
    await team.client.ok(SEND, { s: team.sessions[2] });
  });

  it('refuses a new sandbox beyond PADDOCK_TEAM_MAX_SANDBOXES, but not a session that has one', async () => {
    const team = await teamWithSessions('quota-sandboxes', 4);
    const db = t.platform.services.db;
    for (const session of team.sessions.slice(0, 3)) {
      await db.sandbox.create({ data: { sessionId: decodeGlobalId(session).id, driver: 'local', name: `sbx-${newId().slice(-8)}`, phase: 'READY' } });
    }
    const refused = await team.client.error(SEND, { s: team.sessions[3] });
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', reason: 'QUOTA_EXCEEDED', quota: 'PADDOCK_TEAM_MAX_SANDBOXES', max: 3 });
    expect(refused.message).toMatch(/endSession/);
    await team.client.ok(SEND, { s: team.sessions[0] });
  });
});

describe('per-key request rate', () => {
  it('answers a burst over PADDOCK_KEY_REQUESTS_PER_SECOND with 429, RATE_LIMITED and Retry-After', async () => {
    const { key } = await t.newTeam('burst');
    const replies = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: '{ viewer { role } }' }),
        }),
      ),
    );
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited[0]!.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0]!.message).toMatch(/PADDOCK_KEY_REQUESTS_PER_SECOND/);
    await Promise.all(replies.filter((r) => r.status !== 429).map((r) => r.arrayBuffer()));
  });
});

describe('per-socket subscriptions', () => {
  it('refuses more than PADDOCK_WS_MAX_SUBSCRIPTIONS operations on one socket', async () => {
    const team = await teamWithSessions('subs', 1);
    const client = createClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${team.key}` }, retryAttempts: 0 });
    const outcomes: Promise<string>[] = [];
    const stops: (() => void)[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        new Promise((resolve) => {
          stops.push(
            client.subscribe(
              { query: 'subscription($s: ID!) { sessionEvents(sessionId: $s) { seq } }', variables: { s: team.sessions[0] } },
              { next: () => resolve('streaming'), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
            ),
          );
        }),
      );
    }
    const results = await Promise.all(outcomes);
    expect(results.filter((r) => r === 'streaming')).toHaveLength(3);
    const refused = results.filter((r) => r !== 'streaming');
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r).toMatch(/RATE_LIMITED.*|PADDOCK_WS_MAX_SUBSCRIPTIONS/);
    for (const stop of stops) stop();
    await client.dispose();
  });
});

describe('client address', () => {
  const req = (forwarded?: string) =>
    ({ socket: { remoteAddress: '10.0.0.9' }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as IncomingMessage;
  const limits = loadConfig({}).limits;

  it('is the peer unless proxies are trusted, then what the outermost trusted proxy saw', () => {
    expect(new Throttle(limits).addressOf(req('1.2.3.4'))).toBe('10.0.0.9');
    const behindOne = new Throttle(limits, 1);
    // A client cannot choose its address by sending its own X-Forwarded-For.
    expect(behindOne.addressOf(req('6.6.6.6, 1.2.3.4'))).toBe('1.2.3.4');
    expect(behindOne.addressOf(req())).toBe('10.0.0.9');
    expect(new Throttle(limits, 2).addressOf(req('6.6.6.6, 1.2.3.4, 10.1.0.1'))).toBe('1.2.3.4');
  });
});

// Last: the throttle counts per client address, and every test here comes from 127.0.0.1.
describe('failed authentications', () => {
  it('throttles wrong keys per address: HTTP 429 with Retry-After, then WebSocket close 4429', async () => {
    const wrong = new GraphqlClient(t.url, 'pdk_wrongwrongwrongwrongwrongwrongwrong00');
    for (let i = 0; i < 5; i++) expect((await wrong.error('{ viewer { role } }')).extensions?.code).toBe('UNAUTHENTICATED');
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer pdk_another-guess' },
      body: '{"query":"{ viewer { role } }"}',
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0]!.message).toMatch(/failed authentications/);

    const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
      const client = createClient({
        url: wsUrl(),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: 'Bearer pdk_yet-another-guess' },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
        on: { closed: (event) => resolve({ code: (event as CloseEvent).code, reason: (event as CloseEvent).reason }) },
      });
      void client;
    });
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/retry in \d+ s/);

    // Requests without a key are not authentication attempts; the health endpoints answer.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
