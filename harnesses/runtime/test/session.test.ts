import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function attachRaw(body: string): Promise<{ status: number; message: string }> {
  const res = await raw(h, '/v1/session', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const json = (await res.json()) as { error?: { message: string } };
  return { status: res.status, message: json.error?.message ?? '' };
}

describe('POST /v1/session', () => {
  it('attaches and reports it in health', async () => {
    const res = await h.client.attach(h.attachRequest({ history: [{ role: 'user', content: 'earlier' }] }));
    expect(res).toEqual({ ok: true, sessionId: 'sess-1', messages: 1 });
    expect(await h.client.health()).toMatchObject({ attached: true, sessionId: 'sess-1', turn: null });
  });

  it('replaces the state on re-attach', async () => {
    await h.client.attach(h.attachRequest({ sessionId: 'sess-2' }));
    expect((await h.client.health()).sessionId).toBe('sess-2');
  });

  it('rejects malformed JSON with a clear 400', async () => {
    const { status, message } = await attachRaw('{"sessionId": ');
    expect(status).toBe(400);
    expect(message).toMatch(/not valid JSON/);
  });

  it.each([
    ['a non-object body', '[1,2]', /JSON object/],
    ['an empty body', '', /empty/],
    ['a missing sessionId', JSON.stringify({ model: 'm', gateway: { baseUrl: 'http://x/v1' } }), /sessionId/],
    ['a bad gateway URL', JSON.stringify({ sessionId: 's', model: 'm', gateway: { baseUrl: 'not a url' } }), /gateway.baseUrl/],
    [
      'a bad role',
      JSON.stringify({ sessionId: 's', model: 'm', gateway: { baseUrl: 'http://x/v1' }, history: [{ role: 'robot', content: '' }] }),
      /history\[0\].role/,
    ],
    [
      'a tool message without toolCallId',
      JSON.stringify({ sessionId: 's', model: 'm', gateway: { baseUrl: 'http://x/v1' }, history: [{ role: 'tool', content: '' }] }),
      /toolCallId/,
    ],
    ['a non-string env value', JSON.stringify({ sessionId: 's', model: 'm', gateway: { baseUrl: 'http://x/v1' }, env: { API_KEY: 42 } }), /env.API_KEY/],
    ['an invalid env name', JSON.stringify({ sessionId: 's', model: 'm', gateway: { baseUrl: 'http://x/v1' }, env: { 'A-B': 'x' } }), /A-B/],
    ['out-of-range limits', JSON.stringify({ sessionId: 's', model: 'm', gateway: { baseUrl: 'http://x/v1' }, limits: { maxSteps: 0 } }), /limits.maxSteps/],
  ])('rejects %s with 400', async (_label, body, pattern) => {
    const { status, message } = await attachRaw(body);
    expect(status).toBe(400);
    expect(message).toMatch(pattern);
  });

  it('never echoes secret env values in errors', async () => {
    const { message } = await attachRaw(
      JSON.stringify({ sessionId: 's', model: 'm', gateway: { baseUrl: 'http://x/v1' }, env: { GOOD: 'super-secret-value', BAD: 1 } }),
    );
    expect(message).not.toContain('super-secret-value');
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await raw(h, '/v1/turns', { method: 'POST', body: JSON.stringify({ turnId: 't', content: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(res.status).toBe(413);
  });
});
