import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { fetch, ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { CertificateAuthority, createAuthority } from './authority.ts';
import { gatewayModelPaths } from './grants.ts';
import { EgressProxy, type BlockedRequest, type EgressGrant } from './proxy.ts';
import { parseRules, PrivateAllowList } from './rules.ts';

type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

/** An echo server that records what it received and answers with it. */
async function echoServer(tlsContext?: (name: string) => tls.SecureContext): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const handler: http.RequestListener = (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, authorization: req.headers.authorization ?? null }));
    });
  };
  const server = tlsContext ? https.createServer({ SNICallback: (name, cb) => cb(null, tlsContext(name)) }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECRET = 'ghp_real-secret-value-0123456789';
const PLACEHOLDER = 'paddock-secret-test-placeholder';
const GATEWAY_KEY = 'sk-gateway-real-key';
const GATEWAY_PLACEHOLDER = 'paddock-secret-gateway-placeholder';

let proxy: EgressProxy;
let proxyUrl: string;
let paddockCa: CertificateAuthority;
let upstreamCa: { certPem: string; keyPem: string };
let plain: Awaited<ReturnType<typeof echoServer>>;
let secure: Awaited<ReturnType<typeof echoServer>>;
let gatewayServer: Awaited<ReturnType<typeof echoServer>>;
const blocked: BlockedRequest[] = [];
let grant: EgressGrant;
/** What the agent's commands hold: the same rules and secrets, no gateway. */
let commandGrant: EgressGrant;
let httpsGatewayGrant: EgressGrant;

/** Names the tests resolve; everything else fails like an unknown host. */
const names: Record<string, string[]> = {
  'echo.test': ['127.0.0.1'],
  'other.test': ['127.0.0.1'],
  'mcp.test': ['127.0.0.1'],
  'gateway.test': ['127.0.0.1'],
  'rebind.test': ['93.184.216.34', '10.0.0.1'],
  'metadata.test': ['169.254.169.254'],
};

beforeAll(async () => {
  const created = createAuthority();
  paddockCa = new CertificateAuthority(created.certPem, created.keyPem);
  upstreamCa = createAuthority();
  const upstream = new CertificateAuthority(upstreamCa.certPem, upstreamCa.keyPem);
  plain = await echoServer();
  secure = await echoServer((name) => upstream.contextFor(name));
  gatewayServer = await echoServer();
  grant = {
    sessionId: '00000000-0000-7000-8000-000000000001',
    rules: parseRules([`echo.test:${plain.port}`, `echo.test:${secure.port}`, 'other.test', 'mcp.test', 'rebind.test', 'metadata.test', '169.254.169.254']),
    gateway: { host: 'gateway.test', port: gatewayServer.port, paths: gatewayModelPaths(`http://gateway.test:${gatewayServer.port}/v1`) },
    substitutions: [
      { name: 'GITHUB_TOKEN', placeholder: PLACEHOLDER, value: SECRET, rules: parseRules(['echo.test']) },
      { name: 'LITELLM_API_KEY', placeholder: GATEWAY_PLACEHOLDER, value: GATEWAY_KEY, rules: parseRules([`gateway.test:${gatewayServer.port}`]) },
    ],
    // Two MCP servers on one host: one that allows only search*, one that allows every tool.
    mcpEndpoints: [
      { server: 'docs', host: 'mcp.test', port: plain.port, path: '/mcp', allowedTools: ['search*'] },
      { server: 'open', host: 'mcp.test', port: plain.port, path: '/open/mcp', allowedTools: [] },
      { server: 'secure-docs', host: 'mcp.test', port: secure.port, path: '/mcp', allowedTools: ['search'] },
    ],
  };
  commandGrant = { ...grant, gateway: null, substitutions: grant.substitutions.filter((s) => s.name !== 'LITELLM_API_KEY') };
  // A gateway served over HTTPS: intercepted to swap its key in, and its paths checked inside the tunnel.
  httpsGatewayGrant = {
    ...grant,
    gateway: { host: 'gateway.test', port: secure.port, paths: gatewayModelPaths(`https://gateway.test:${secure.port}/v1`) },
    substitutions: [{ name: 'LITELLM_API_KEY', placeholder: GATEWAY_PLACEHOLDER, value: GATEWAY_KEY, rules: parseRules([`gateway.test:${secure.port}`]) }],
  };
  proxy = new EgressProxy({
    grants: { resolve: async (token) => ({ 'good-token': grant, 'command-token': commandGrant, 'https-gateway-token': httpsGatewayGrant })[token] ?? null },
    authority: paddockCa,
    // The echo servers are on loopback, which the operator allows here; the gateway's
    // address is allowed without it.
    privateAllow: PrivateAllowList.parse(`127.0.0.1`),
    log: createLogger('egress-test', 'silent'),
    onBlocked: (b) => blocked.push(b),
    lookup: async (host) => {
      const found = names[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found;
    },
    upstreamCa: [upstreamCa.certPem],
  });
  proxyUrl = `http://${await proxy.listen({ host: '127.0.0.1', port: 0 })}`;
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([plain?.close(), secure?.close(), gatewayServer?.close()]);
});

const basic = (token: string) => `Basic ${Buffer.from(`paddock:${token}`).toString('base64')}`;

function agent(opts: { token?: string; ca?: string[] } = {}): ProxyAgent {
  return new ProxyAgent({
    uri: proxyUrl,
    ...(opts.token === undefined ? { token: basic('good-token') } : opts.token ? { token: basic(opts.token) } : {}),
    requestTls: { ca: opts.ca ?? [paddockCa.certPem] },
  });
}

describe('egress proxy', () => {
  it('refuses requests and tunnels without a valid token (407)', async () => {
    for (const authorization of [undefined, basic('wrong'), `Basic ${Buffer.from('someone:good-token').toString('base64')}`]) {
      const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request(
          `${proxyUrl}/`,
          { path: `http://echo.test:${plain.port}/`, headers: authorization ? { 'proxy-authorization': authorization } : {} },
          resolve,
        );
        req.on('error', reject).end();
      });
      answer.resume();
      expect(answer.statusCode).toBe(407);
      expect(answer.headers['proxy-authenticate']).toMatch(/Basic/);
    }
    await expect(fetch(`https://echo.test:${secure.port}/`, { dispatcher: agent({ token: 'wrong' }) })).rejects.toThrow();
    expect(plain.received).toHaveLength(0);
  });

  it('substitutes the placeholder in headers and query over plain HTTP, and only there', async () => {
    const before = plain.received.length;
    const res = await fetch(`http://echo.test:${plain.port}/repos?access_token=${PLACEHOLDER}&q=1`, {
      dispatcher: agent(),
      headers: { authorization: `token ${PLACEHOLDER}`, 'x-other': `Basic-ish ${PLACEHOLDER}` },
    });
    expect(res.status).toBe(200);
    const got = plain.received[before]!;
    expect(got.url).toBe(`/repos?access_token=${SECRET}&q=1`);
    expect(got.headers.authorization).toBe(`token ${SECRET}`);
    expect(got.headers['x-other']).toBe(`Basic-ish ${SECRET}`);
    // The sandbox's proxy credentials never travel on.
    expect(got.headers['proxy-authorization']).toBeUndefined();
  });

  it('sends the checked host as Host and keeps placeholders out of the path', async () => {
    const before = plain.received.length;
    // Through the proxy as a raw request, so the client chooses its own Host header.
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        `${proxyUrl}/`,
        {
          path: `http://echo.test:${plain.port}/files/${PLACEHOLDER}?t=${PLACEHOLDER}`,
          headers: { 'proxy-authorization': basic('good-token'), host: 'evil.example', authorization: `Bearer ${PLACEHOLDER}` },
        },
        resolve,
      );
      req.on('error', reject).end();
    });
    answer.resume();
    expect(answer.statusCode).toBe(200);
    const got = plain.received[before]!;
    expect(got.headers.host).toBe(`echo.test:${plain.port}`);
    expect(got.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(got.url).toBe(`/files/${PLACEHOLDER}?t=${SECRET}`);
  });

  it('substitutes inside Basic credentials', async () => {
    const before = plain.received.length;
    await fetch(`http://echo.test:${plain.port}/`, {
      dispatcher: agent(),
      headers: { authorization: `Basic ${Buffer.from(`x-access-token:${PLACEHOLDER}`).toString('base64')}` },
    });
    const sent = plain.received[before]!.headers.authorization!;
    expect(Buffer.from(sent.slice(6), 'base64').toString()).toBe(`x-access-token:${SECRET}`);
  });

  it('intercepts HTTPS to a host a secret is for, with a certificate from the installation CA', async () => {
    const before = secure.received.length;
    const res = await fetch(`https://echo.test:${secure.port}/user?key=${PLACEHOLDER}`, {
      dispatcher: agent(),
      headers: { authorization: `Bearer ${PLACEHOLDER}` },
    });
    expect(res.status).toBe(200);
    const got = secure.received[before]!;
    expect(got.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(got.url).toBe(`/user?key=${SECRET}`);
    // A client that does not trust Paddock's CA cannot be fooled into talking to it.
    await expect(fetch(`https://echo.test:${secure.port}/`, { dispatcher: agent({ ca: [upstreamCa.certPem] }) })).rejects.toThrow();
  });

  it('leaves the placeholder alone on hosts the secret is not for', async () => {
    const before = plain.received.length;
    await fetch(`http://other.test:${plain.port}/?t=${PLACEHOLDER}`, { dispatcher: agent(), headers: { authorization: `token ${PLACEHOLDER}` } });
    const got = plain.received[before]!;
    expect(got.headers.authorization).toBe(`token ${PLACEHOLDER}`);
    expect(got.url).toBe(`/?t=${PLACEHOLDER}`);
  });

  it('tunnels TLS untouched where no secret applies: the client sees the real server', async () => {
    const before = secure.received.length;
    const res = await fetch(`https://other.test:${secure.port}/?t=${PLACEHOLDER}`, { dispatcher: agent({ ca: [upstreamCa.certPem] }) });
    expect(res.status).toBe(200);
    expect(secure.received[before]!.url).toBe(`/?t=${PLACEHOLDER}`);
    // Not intercepted: a client trusting only Paddock's CA rejects the real certificate.
    await expect(fetch(`https://other.test:${secure.port}/`, { dispatcher: agent({ ca: [paddockCa.certPem] }) })).rejects.toThrow();
  });

  it('refuses hosts outside the allow-list with 403 and reports them', async () => {
    blocked.length = 0;
    const res = await fetch('http://evil.test/exfiltrate', { dispatcher: agent() });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-paddock-egress')).toBe('blocked');
    await expect(fetch('https://evil.test/', { dispatcher: agent() })).rejects.toThrow();
    expect(blocked).toEqual([
      { sessionId: grant.sessionId, host: 'evil.test', port: 80, reason: "not in the agent's egress allow-list" },
      { sessionId: grant.sessionId, host: 'evil.test', port: 443, reason: "not in the agent's egress allow-list" },
    ]);
  });

  it('refuses restricted addresses after resolution, even for allowed names', async () => {
    blocked.length = 0;
    expect((await fetch('http://metadata.test/latest/meta-data/', { dispatcher: agent() })).status).toBe(403);
    expect((await fetch('http://169.254.169.254/latest/meta-data/', { dispatcher: agent() })).status).toBe(403);
    expect((await fetch('http://rebind.test/', { dispatcher: agent() })).status).toBe(403);
    expect(blocked.map((b) => [b.host, b.reason.split(' (')[0]])).toEqual([
      ['metadata.test', 'resolves to a metadata address'],
      ['169.254.169.254', 'resolves to a metadata address'],
      ['rebind.test', 'resolves to a private address'],
    ]);
    expect(blocked[0]!.reason).toMatch(/PADDOCK_EGRESS_PRIVATE_ALLOW/);
  });

  it('lets the gateway through on its private address and swaps in the gateway key', async () => {
    const before = gatewayServer.received.length;
    const res = await fetch(`http://gateway.test:${gatewayServer.port}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent(),
      headers: { authorization: `Bearer ${GATEWAY_PLACEHOLDER}`, 'content-type': 'application/json' },
      body: '{"model":"m"}',
    });
    expect(res.status).toBe(200);
    const got = gatewayServer.received[before]!;
    expect(got.headers.authorization).toBe(`Bearer ${GATEWAY_KEY}`);
    expect(got.body).toBe('{"model":"m"}');
    // Another port on the same host is not the gateway.
    expect((await fetch(`http://gateway.test:${plain.port}/`, { dispatcher: agent() })).status).toBe(403);
  });

  it('answers 502 with the reason when a name does not resolve', async () => {
    const grantWithUnknown = parseRules(['nowhere.test']);
    grant.rules.push(...grantWithUnknown);
    const res = await fetch('http://nowhere.test/', { dispatcher: agent() });
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/ENOTFOUND/);
  });

  it('lets the runtime reach only the model API paths of the gateway, however the path is written', async () => {
    blocked.length = 0;
    const before = gatewayServer.received.length;
    const withKey = { authorization: `Bearer ${GATEWAY_PLACEHOLDER}` };
    for (const path of ['/v1/models', '/v1/messages?beta=true', '/v1/models/anthropic/claude-3@2024:1']) {
      expect((await fetch(`http://gateway.test:${gatewayServer.port}${path}`, { dispatcher: agent(), headers: withKey })).status, path).toBe(200);
    }
    const refused = [
      '/key/generate',
      '/v1/key/generate',
      '/v1/chat/completions/../../key/generate',
      '/v1/models/%2e%2e/%2e%2e/key/generate',
      '/v1/models/..;/spend/logs',
      '//v1/models',
      '/v1/chat/completionsX',
    ];
    for (const path of refused) {
      // A raw request, so no client normalises the path first.
      const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request(
          `${proxyUrl}/`,
          { path: `http://gateway.test:${gatewayServer.port}${path}`, headers: { 'proxy-authorization': basic('good-token'), ...withKey } },
          resolve,
        );
        req.on('error', reject).end();
      });
      answer.resume();
      expect(answer.statusCode, path).toBe(403);
      expect(answer.headers['x-paddock-egress'], path).toBe('blocked');
    }
    expect(gatewayServer.received.slice(before).map((r) => r.url)).toEqual(['/v1/models', '/v1/messages?beta=true', '/v1/models/anthropic/claude-3@2024:1']);
    // Each refusal is reported (dot segments are resolved before the check, as a server would).
    expect(blocked).toHaveLength(refused.length);
    for (const b of blocked) expect(b.reason).toMatch(/^\/\S* is not a model API path of the model gateway$/);
  });

  it("gives the commands' token no gateway: refused like any unlisted host, and never with the key", async () => {
    blocked.length = 0;
    const before = gatewayServer.received.length;
    const res = await fetch(`http://gateway.test:${gatewayServer.port}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent({ token: 'command-token' }),
      headers: { authorization: `Bearer ${GATEWAY_PLACEHOLDER}` },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(gatewayServer.received).toHaveLength(before);
    expect(blocked).toEqual([{ sessionId: grant.sessionId, host: 'gateway.test', port: gatewayServer.port, reason: "not in the agent's egress allow-list" }]);
    // Its secrets still work where they are for.
    const plainBefore = plain.received.length;
    expect(
      (await fetch(`http://echo.test:${plain.port}/`, { dispatcher: agent({ token: 'command-token' }), headers: { authorization: `token ${PLACEHOLDER}` } }))
        .status,
    ).toBe(200);
    expect(plain.received[plainBefore]!.headers.authorization).toBe(`token ${SECRET}`);
  });

  describe("MCP servers' allowedTools", () => {
    const call = (name: unknown, id: unknown = 7) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
    const post = (url: string, body: unknown, token = 'good-token') =>
      fetch(url, {
        method: 'POST',
        dispatcher: agent({ token }),
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    it('passes calls of allowed tools, and everything that is not a call, unchanged', async () => {
      const before = plain.received.length;
      for (const body of [
        call('search_docs'),
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        [call('search'), { jsonrpc: '2.0', method: 'notifications/initialized' }],
      ]) {
        expect((await post(`http://mcp.test:${plain.port}/mcp`, body)).status).toBe(200);
      }
      expect(plain.received.slice(before).map((r) => JSON.parse(r.body) as unknown)).toEqual([
        call('search_docs'),
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        [call('search'), { jsonrpc: '2.0', method: 'notifications/initialized' }],
      ]);
    });

    it('answers a call of any other tool with a JSON-RPC error, reports it, and never forwards it', async () => {
      const before = plain.received.length;
      blocked.length = 0;
      const res = await post(`http://mcp.test:${plain.port}/mcp`, call('hidden_admin', 'req-9'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        id: 'req-9',
        error: { code: -32602, message: 'Paddock refused the call: tool "hidden_admin" is not in the allowedTools of MCP server "docs".' },
      });
      expect(blocked).toEqual([expect.objectContaining({ host: 'mcp.test', reason: 'tool "hidden_admin" is not in the allowedTools of MCP server "docs"' })]);
      expect(plain.received.length).toBe(before);
    });

    it('refuses what would slip a call past the check: batches, other paths, other tokens, bodies it cannot read', async () => {
      const before = plain.received.length;
      const attempts: [string, unknown, string?][] = [
        // One allowed call and one refused in a batch: the whole batch is refused.
        [`http://mcp.test:${plain.port}/mcp`, [call('search'), call('hidden_admin')]],
        // A path that is no server's (a legacy message endpoint, a trailing slash) answers to every server on the host.
        [`http://mcp.test:${plain.port}/mcp/`, call('hidden_admin')],
        [`http://mcp.test:${plain.port}/messages?sessionId=1`, call('hidden_admin')],
        // The commands' token is held to the same list.
        [`http://mcp.test:${plain.port}/mcp`, call('hidden_admin'), 'command-token'],
        // Not JSON, or JSON that is not JSON-RPC, or a call that names no tool.
        [`http://mcp.test:${plain.port}/mcp`, '\ufeff' + JSON.stringify(call('hidden_admin'))],
        [`http://mcp.test:${plain.port}/mcp`, '"tools/call"'],
        [`http://mcp.test:${plain.port}/mcp`, call(['hidden_admin'])],
      ];
      for (const [url, body, token] of attempts) {
        const res = await post(url, body, token);
        const text = await res.text();
        expect([res.status, text], JSON.stringify(body)).toEqual([res.status === 200 ? 200 : 403, expect.stringContaining('Paddock')]);
        expect(res.headers.get('x-paddock-egress')).toBe('blocked');
      }
      expect(plain.received.length).toBe(before);
    });

    it('lets every tool through on the path of a server that allows them all', async () => {
      expect((await post(`http://mcp.test:${plain.port}/open/mcp`, call('hidden_admin'))).status).toBe(200);
      expect(JSON.parse(plain.received.at(-1)!.body)).toEqual(call('hidden_admin'));
    });

    it('intercepts HTTPS to an MCP server with allowedTools even where no secret applies, and checks inside', async () => {
      const before = secure.received.length;
      expect(await (await post(`https://mcp.test:${secure.port}/mcp`, call('search'))).json()).toMatchObject({ url: '/mcp' });
      const refused = await post(`https://mcp.test:${secure.port}/mcp`, call('search_more'));
      expect(await refused.json()).toMatchObject({ error: { message: expect.stringContaining('"secure-docs"') } });
      expect(secure.received.length).toBe(before + 1);
    });

    it('refuses a body past the limit instead of buffering it', async () => {
      const res = await post(`http://mcp.test:${plain.port}/mcp`, JSON.stringify(call('search')).padEnd(5 * 2 ** 20, ' '));
      expect(res.status).toBe(413);
    });
  });

  it('swaps secret values in answers back to placeholders, in headers and bodies', async () => {
    const res = await fetch(`http://echo.test:${plain.port}/echo?k=${PLACEHOLDER}`, {
      dispatcher: agent(),
      headers: { authorization: `Bearer ${PLACEHOLDER}` },
    });
    expect(await res.json()).toEqual({ url: `/echo?k=${PLACEHOLDER}`, authorization: `Bearer ${PLACEHOLDER}` });
    const secureRes = await fetch(`https://echo.test:${secure.port}/echo`, { dispatcher: agent(), headers: { authorization: `Bearer ${PLACEHOLDER}` } });
    expect(await secureRes.json()).toEqual({ url: '/echo', authorization: `Bearer ${PLACEHOLDER}` });
    expect(secure.received.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it("checks the gateway's paths inside an intercepted HTTPS tunnel too", async () => {
    blocked.length = 0;
    const before = secure.received.length;
    const dispatcher = agent({ token: 'https-gateway-token', ca: [paddockCa.certPem] });
    const withKey = { authorization: `Bearer ${GATEWAY_PLACEHOLDER}` };
    expect((await fetch(`https://gateway.test:${secure.port}/v1/models`, { dispatcher, headers: withKey })).status).toBe(200);
    for (const path of ['/v1/key/generate', '/v1/models;x/../../key', '/v1/models/%2E%2E%2Fkey']) {
      expect((await fetch(`https://gateway.test:${secure.port}${path}`, { dispatcher, headers: withKey })).status, path).toBe(403);
    }
    expect(secure.received.slice(before).map((r) => [r.url, r.headers.authorization])).toEqual([['/v1/models', `Bearer ${GATEWAY_KEY}`]]);
    expect(blocked).toHaveLength(3);
  });
});
