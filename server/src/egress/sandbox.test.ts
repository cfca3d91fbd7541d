import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber, type LiveEvent } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';
import { CertificateAuthority, createAuthority } from './authority.ts';
import { recordBlocked } from './blocked.ts';

/**
 * Attacks through the public API: the offline mock's `/tool CMD` makes the chat agent
 * run CMD in its sandbox. Secrets must stay outside, reach only their hosts, and never
 * come back into the transcript.
 */

const SECRET = 'sk-live-4f9a8b7c6d5e4f3a2b1c';
const GATEWAY_KEY = 'test-gateway-key';

type Received = { url: string; authorization: string | undefined };

async function echo(secure?: CertificateAuthority): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const handler: http.RequestListener = (req, res) => {
    received.push({ url: req.url!, authorization: req.headers.authorization });
    res.end(`echo: ${req.headers.authorization ?? ''} ${req.url}\n`);
  };
  const server = secure ? https.createServer(secure.issue('127.0.0.1'), handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
let agentId: string;
let plain: Awaited<ReturnType<typeof echo>>;
let secure: Awaited<ReturnType<typeof echo>>;
let unlisted: Awaited<ReturnType<typeof echo>>;
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  const upstreamCa = createAuthority();
  plain = await echo();
  secure = await echo(new CertificateAuthority(upstreamCa.certPem, upstreamCa.keyPem));
  unlisted = await echo();
  // The echo servers are on loopback: the operator lets sandboxes reach it.
  const env = { PADDOCK_EGRESS_PRIVATE_ALLOW: '127.0.0.1/32' };
  t = await startTestPlatform(env);
  // The mock model demands the real gateway key: turns complete only if the proxy swaps it in.
  worker = await startTestWorker(t, env, { apiKey: GATEWAY_KEY }, { upstreamCa: [upstreamCa.certPem] });
  ({ client, key } = await t.newTeam());
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(
      `mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`,
      {
        in: {
          name: 'egress-attack',
          harness: 'chat',
          egressAllow: [`127.0.0.1:${plain.port}`, `127.0.0.1:${secure.port}`, `127.0.0.1:${unlisted.port}`],
          env: [
            { name: 'API_TOKEN', value: SECRET, hosts: [`127.0.0.1:${plain.port}`, `127.0.0.1:${secure.port}`] },
          ],
        },
      },
    )
  ).createAgent.id;
});

afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
  await Promise.all([plain?.close(), secure?.close(), unlisted?.close()]);
});

async function turn(command: string): Promise<{ sessionId: string; events: LiveEvent[]; output: string }> {
  const sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId })).createSession
    .id;
  const live = new Subscriber(t.url, key);
  subscribers.push(live);
  live.subscribe(sessionId);
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: `/tool ${command}` });
  await live.waitFor((events) => events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed'), 60_000);
  const failed = live.events.find((e) => e.type === 'turn.failed');
  if (failed) throw new Error(`the turn failed: ${JSON.stringify(failed.payload)}`);
  const result = live.events.find((e) => e.type === 'tool.result');
  return { sessionId, events: live.events, output: String(result?.payload?.output ?? '') };
}

/** Every stored trace of a session: events, message contents and tool calls. */
async function transcript(sessionId: string): Promise<string> {
  const id = decodeGlobalId(sessionId).id;
  const { db } = t.platform.services;
  const [events, messages] = await Promise.all([db.sessionEvent.findMany({ where: { sessionId: id } }), db.message.findMany({ where: { sessionId: id } })]);
  return JSON.stringify({ events, messages });
}

describe('credentials stay out of the sandbox', { timeout: 90_000 }, () => {
  it('holds placeholders, never the secret or the gateway key, in its environment', async () => {
    const { output } = await turn(`env; echo ---; cat /proc/self/environ | tr '\\0' '\\n'; echo ---; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c -e '${GATEWAY_KEY}' -e '${SECRET}' || true`);
    expect(output).toMatch(/^API_TOKEN=paddock-secret-[A-Za-z0-9_-]{32}$/m);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(GATEWAY_KEY);
    expect(output).not.toContain('[redacted:');
    // No process in the sandbox has the real values in its environment.
    expect(output.trim().split('\n').at(-1)).toBe('0');
  });

  it('sends the real value to the secret\'s host over HTTP and HTTPS, and redacts it when it comes back', async () => {
    const { sessionId, output } = await turn(
      `curl -sS -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:${plain.port}/plain?key=$API_TOKEN"; ` +
        `curl -sS -H "Authorization: Bearer $API_TOKEN" "https://127.0.0.1:${secure.port}/secure?key=$API_TOKEN"; ` +
        `echo "leak: $(curl -sS "http://127.0.0.1:${plain.port}/again?key=$API_TOKEN")"`,
    );
    expect(plain.received[0]).toEqual({ url: `/plain?key=${SECRET}`, authorization: `Bearer ${SECRET}` });
    expect(secure.received[0]).toEqual({ url: `/secure?key=${SECRET}`, authorization: `Bearer ${SECRET}` });
    expect(output).toContain(`echo: Bearer [redacted:API_TOKEN] /plain?key=[redacted:API_TOKEN]`);
    expect(output).toContain(`echo: Bearer [redacted:API_TOKEN] /secure?key=[redacted:API_TOKEN]`);
    expect(output).toContain('leak: echo:  /again?key=[redacted:API_TOKEN]');
    const stored = await transcript(sessionId);
    expect(stored).toContain('[redacted:API_TOKEN]');
    expect(stored).not.toContain(SECRET);
  });

  it('keeps the placeholder on allowed hosts the secret is not for', async () => {
    await turn(`curl -sS "http://127.0.0.1:${unlisted.port}/?key=$API_TOKEN"`);
    expect(unlisted.received[0]!.url).toMatch(/^\/\?key=paddock-secret-/);
  });

  it('refuses hosts outside the allow-list and records egress.blocked for subscribers and the log', async () => {
    const { sessionId, events, output } = await turn(`curl -sS -o /dev/null -w '%{http_code}\\n' http://203.0.113.9:8080/exfil; curl -sS -o /dev/null -w '%{http_code}\\n' https://example.com/ || echo tunnel-refused`);
    expect(output).toMatch(/^403$/m);
    expect(output).toContain('tunnel-refused');
    const blocked = events.filter((e) => e.type === 'egress.blocked').map((e) => e.payload);
    expect(blocked).toEqual([
      { host: '203.0.113.9', port: 8080, reason: "not in the agent's egress allow-list" },
      { host: 'example.com', port: 443, reason: "not in the agent's egress allow-list" },
    ]);
    const stored = await t.platform.services.db.sessionEvent.findMany({ where: { sessionId: decodeGlobalId(sessionId).id, type: 'egress.blocked' } });
    expect(stored.map((e) => e.payload)).toEqual(blocked);
    // Each refusal is on the audit log of the session's team, the session as its target.
    const audited = async () => (await t.admin.ok<{ auditEvents: { edges: { node: { outcome: string; detail: unknown } }[] } }>(
      `query($s: ID!) { auditEvents(filter: { action: "egress.blocked", targetId: $s }) { edges { node { outcome detail } } } }`,
      { s: sessionId },
    )).auditEvents.edges.map((e) => e.node);
    for (let i = 0; i < 200 && (await audited()).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await audited()).reverse()).toEqual(blocked.map((detail) => ({ outcome: 'DENIED', detail })));
  });
});

describe('refusals between turns', () => {
  it('are appended to the log and published like any event', async () => {
    const sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId })).createSession.id;
    const live = new Subscriber(t.url, key);
    subscribers.push(live);
    live.subscribe(sessionId);
    await live.waitForType('session.status');
    const { db, bus } = t.platform.services;
    await recordBlocked(db, bus, { sessionId: decodeGlobalId(sessionId).id, host: 'late.example', port: 443, reason: "not in the agent's egress allow-list" });
    await live.waitForType('egress.blocked');
    const event = live.events.find((e) => e.type === 'egress.blocked')!;
    expect(event.payload).toEqual({ host: 'late.example', port: 443, reason: "not in the agent's egress allow-list" });
    expect(event.seq).toBe(live.events.length);
  });
});

describe('egress rules are validated', () => {
  it('refuses private, loopback, link-local, metadata and catch-all entries not allowed by the operator', async () => {
    for (const entry of ['0.0.0.0/0', '169.254.169.254', '10.0.0.0/8', '127.0.0.2', 'localhost']) {
      const res = await client.request(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
        in: { name: 'bad-egress', harness: 'chat', egressAllow: [entry] },
      });
      expect(res.errors?.[0]?.extensions?.code, entry).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message, entry).toMatch(/PADDOCK_EGRESS_PRIVATE_ALLOW/);
    }
    const secretHosts = await client.request(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: { name: 'bad-hosts', harness: 'chat', env: [{ name: 'X', value: 'y', hosts: ['169.254.169.254'] }] },
    });
    expect(secretHosts.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(secretHosts.errors?.[0]?.extensions?.field).toBe('env.0.hosts.0');
  });
});
