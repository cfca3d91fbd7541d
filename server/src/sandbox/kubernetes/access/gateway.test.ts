import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../log/index.ts';
import { AccessGateway } from './gateway.ts';

let upstream: Server;
let port: number;
let gateway: AccessGateway;
const seen: { path: string; authorization: string | undefined }[] = [];
let closedEarly = false;

beforeAll(async () => {
  upstream = createServer((req: IncomingMessage, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const timer = setInterval(() => res.write('{"tick":1}\n'), 10);
      res.on('close', () => {
        clearInterval(timer);
        closedEarly = !res.writableFinished;
      });
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => res.end(JSON.stringify({ echo: body })));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  port = (upstream.address() as AddressInfo).port;
  gateway = await AccessGateway.start(createLogger('gateway-test', 'silent'));
});
afterAll(async () => {
  await gateway?.close();
  await new Promise((r) => upstream?.close(r));
});

describe('access gateway', () => {
  it('checks the session token and presents the runtime token, bodies both ways', async () => {
    const url = gateway.register('ps-a', { sessionToken: 'session', runtimeToken: 'runtime', upstream: async () => ({ host: '127.0.0.1', port }) });
    const ok = await fetch(`${url}/v1/session?x=1`, { method: 'POST', headers: { authorization: 'Bearer session' }, body: 'hello' });
    expect(await ok.json()).toEqual({ echo: 'hello' });
    expect(seen.at(-1)).toEqual({ path: '/v1/session?x=1', authorization: 'Bearer runtime' });

    const wrong = await fetch(`${url}/v1/health`, { headers: { authorization: 'Bearer runtime' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
    // The kubelet's unauthenticated probe path stays unauthenticated.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(url.replace('ps-a', 'ps-unknown'))).status).toBe(404);
  });

  it('ends the upstream request when the caller goes away (a cancelled turn)', async () => {
    const url = gateway.register('ps-b', { sessionToken: 's', runtimeToken: 'r', upstream: async () => ({ host: '127.0.0.1', port }) });
    const abort = new AbortController();
    const res = await fetch(`${url}/stream`, { headers: { authorization: 'Bearer s' }, signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await expect.poll(() => closedEarly, { timeout: 10_000 }).toBe(true);
  });

  it('drops the connection when the runtime cannot be reached, as a direct call would see it', async () => {
    const url = gateway.register('ps-c', { sessionToken: 's', runtimeToken: 'r', upstream: async () => ({ host: '127.0.0.1', port: 1 }) });
    await expect(fetch(`${url}/v1/health`, { headers: { authorization: 'Bearer s' } })).rejects.toThrow();
    gateway.unregister('ps-c');
    expect(gateway.has('ps-c')).toBe(false);
  });
});
