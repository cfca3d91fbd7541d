import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import path from 'node:path';
import { adminKeyLocation } from '../teams/service.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_MAX_BODY_BYTES: '4096', PADDOCK_MAX_QUERY_DEPTH: '8' });
});
afterAll(() => t.close());

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}`, ...headers }, body });

describe('HTTP', () => {
  it('serves /healthz and /readyz', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok' } });
  });

  it('tells the sign-in page where the admin key is, never the key', async () => {
    const res = await fetch(`${t.url}/signin-hint`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ adminKey: { source: 'env', variable: 'PADDOCK_ADMIN_KEY' } });
    expect(text).not.toContain(t.adminKey);
    expect(adminKeyLocation(undefined, t.dataDir)).toEqual({ source: 'file', path: path.join(t.dataDir, 'admin-key') });
  });

  it('answers malformed requests with 4xx and a message, never a stack', async () => {
    const broken = await post('{"query": ');
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);

    const syntax = await post(JSON.stringify({ query: '{ agents { ' }));
    const body = (await syntax.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/Syntax Error/);

    const unknown = await post(JSON.stringify({ query: '{ nope }' }));
    expect(((await unknown.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/Cannot query field "nope"/);
  });

  it('limits request body size', async () => {
    const res = await post(JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(5000) } }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/limit is 4096/);
  });

  it('limits query depth and cost', async () => {
    const deep = await post(
      JSON.stringify({ query: '{ agents { edges { node { sessions { edges { node { agent { sessions { edges { node { agent { id } } } } } } } } } } } }' }),
    );
    const deepBody = (await deep.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(deepBody.errors[0]!.message).toMatch(/depth .* exceeds the limit/);
    expect(deepBody.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');

    const wide = await post(
      JSON.stringify({ query: '{ sessions(first: 100) { edges { node { messages(first: 100) { edges { node { id content } } } } } } }' }),
    );
    const wideBody = (await wide.json()) as { errors: { message: string }[] };
    expect(wideBody.errors[0]!.message).toMatch(/complexity .* exceeds the limit/);
  });

  it('masks unexpected errors', async () => {
    const res = await post(JSON.stringify({ query: '{ node(id: "QWdlbnQ6bm90LWEtdXVpZA") { id } }' }));
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toMatch(/stack|\.ts:\d+/);
  });

  it('serves GraphiQL to browsers', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/GraphiQL|graphiql/);
  });
});

describe('graphql-ws', () => {
  it('runs operations authenticated by connectionParams and rejects anonymous ones', async () => {
    const ws = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${t.adminKey}` },
    });
    const result = await new Promise((resolve, reject) => {
      ws.subscribe({ query: '{ viewer { role team { name } } }' }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result).toEqual({ data: { viewer: { role: 'OPERATOR', team: { name: 'default' } } } });
    await ws.dispose();

    const anon = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
    const denied = await new Promise<{ errors?: { extensions?: { code?: string } }[] }>((resolve, reject) => {
      anon.subscribe({ query: '{ viewer { role } }' }, { next: (v) => resolve(v as never), error: reject, complete: () => undefined });
    });
    expect(denied.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await anon.dispose();
  });
});
