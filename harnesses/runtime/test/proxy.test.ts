import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, ofType, startHarness, type Harness } from './harness.ts';

/**
 * The runtime's own model calls honour the proxy variables its session's commands get,
 * so they leave through the egress proxy like everything else in the sandbox.
 */
type Seen = { url: string; proxyAuthorization: string | undefined; authorization: string | undefined };

let h: Harness;
let proxy: http.Server;
let proxyUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  h = await startHarness({ tokensPerSecond: 0 });
  // A minimal forward proxy: records each absolute-URI request and relays it.
  proxy = http.createServer((req, res) => {
    seen.push({ url: req.url!, proxyAuthorization: req.headers['proxy-authorization'], authorization: req.headers.authorization });
    const target = new URL(req.url!);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://paddock:session-token@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h.close();
  await new Promise((resolve) => proxy.close(resolve));
});

describe('model calls through the egress proxy', () => {
  it('go through HTTP_PROXY from the session environment, with its credentials', async () => {
    await h.client.attach(
      h.attachRequest({
        env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '' },
        gateway: { baseUrl: h.mock.url, apiKey: 'paddock-secret-placeholder' },
      }),
    );
    const events = await collect(h.client.startTurn({ turnId: 'proxied', content: 'hello' }));
    expect(ofType(events, 'turn.completed')).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(`${h.mock.url}/chat/completions`);
    expect(seen[0]!.proxyAuthorization).toBe(`Basic ${Buffer.from('paddock:session-token').toString('base64')}`);
    expect(seen[0]!.authorization).toBe('Bearer paddock-secret-placeholder');
  });

  it('go direct when the session has no proxy', async () => {
    await h.client.attach(h.attachRequest());
    const before = seen.length;
    const events = await collect(h.client.startTurn({ turnId: 'direct', content: 'hello' }));
    expect(ofType(events, 'turn.completed')).toHaveLength(1);
    expect(seen).toHaveLength(before);
  });

  it("use the runtime's own token when the session brings egress credentials, and commands get only theirs", async () => {
    const bare = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    await h.client.attach(
      h.attachRequest({
        env: { API_TOKEN: 'paddock-secret-command' },
        egress: { proxyUrl: bare, token: 'runtime-token', commandToken: 'command-token' },
        gateway: { baseUrl: h.mock.url, apiKey: 'paddock-secret-placeholder' },
      }),
    );
    const before = seen.length;
    const events = await collect(h.client.startTurn({ turnId: 'split', content: '/tool echo "$HTTP_PROXY|$HTTPS_PROXY|$ALL_PROXY"' }));
    expect(ofType(events, 'turn.completed')).toHaveLength(1);
    const commandProxy = 'http://paddock:command-token@127.0.0.1:' + (proxy.address() as AddressInfo).port;
    expect(String(ofType(events, 'tool.result')[0]!.output).trim()).toBe([commandProxy, commandProxy, commandProxy].join('|'));
    const calls = seen.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.proxyAuthorization).toBe(`Basic ${Buffer.from('paddock:runtime-token').toString('base64')}`);
  });
});
