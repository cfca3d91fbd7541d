import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeClient, RuntimeError } from '../src/client.ts';
import { raw, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('authentication', () => {
  it('serves /healthz without credentials', async () => {
    const res = await raw(h, '/healthz', { auth: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each([
    ['no header', null],
    ['wrong token', 'Bearer nope'],
    ['wrong scheme', 'Basic dGVzdA=='],
    ['token without scheme', 'test-runtime-token-0123456789'],
  ])('refuses %s with 401', async (_label, auth) => {
    const res = await raw(h, '/v1/health', { auth });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
  });

  it('checks the token before reading any body', async () => {
    const res = await raw(h, '/v1/session', { method: 'POST', auth: null, body: '{not json' });
    expect(res.status).toBe(401);
  });

  it('reports health with the right token', async () => {
    expect(await h.client.health()).toEqual({ ok: true, harness: 'chat', attached: false, sessionId: null, turn: null });
  });

  it('surfaces 401 as a RuntimeError in the client', async () => {
    const client = new RuntimeClient({ baseUrl: h.url, token: 'wrong' });
    await expect(client.health()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(client.health()).rejects.toBeInstanceOf(RuntimeError);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await raw(h, '/v1/nope')).status).toBe(404);
    const res = await raw(h, '/v1/health', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});
