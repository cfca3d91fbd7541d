import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlm } from '../src/index.ts';
import { chat, user } from './sse.ts';

let mock: MockLlm;

beforeAll(async () => {
  mock = await startMockLlm({ tokensPerSecond: 1000 });
});
afterAll(async () => {
  await mock.close();
});

/** Arrival time (ms since the request was sent) of every content token. */
async function tokenTimes(body: unknown, headers: Record<string, string> = {}): Promise<number[]> {
  const sent = performance.now();
  const res = await chat(mock.url, body, headers);
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  const times: number[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const now = performance.now() - sent;
    buffer += decoder.decode(value, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      if (/"content":"tok/.test(block)) times.push(now);
    }
  }
  return times;
}

describe('token pacing', () => {
  it('paces /long N rate=R from one start time', async () => {
    const times = await tokenTimes({ stream: true, messages: [user('/long 30 rate=100')] });
    expect(times).toHaveLength(30);
    // Token 30 is due 290 ms after the first, which comes at once: it never arrives earlier,
    // and not a token per tick of some slower clock. Measured from the request, since a
    // busy client may read the first token late (how close it stays is not asserted here).
    expect(times.at(-1)).toBeGreaterThan(285);
    expect(times.at(-1)).toBeLessThan(3_000);
  });

  it('honours the per-request header overrides', async () => {
    const times = await tokenTimes({ stream: true, messages: [user('/long 3')] }, { 'x-mock-first-token-ms': '150', 'x-mock-tokens-per-second': '20' });
    // First token after 150 ms, then one every 50 ms: the third is due at 250 ms.
    expect(times[0]).toBeGreaterThan(140);
    expect(times[2]).toBeGreaterThan(240);
  });

  it('stops generating when the client disconnects, and keeps serving', async () => {
    const res = await chat(mock.url, { stream: true, messages: [user('/long 1000 rate=50')] });
    const reader = res.body?.getReader();
    await reader?.read();
    expect(mock.stats().generating).toBe(1);
    await reader?.cancel();
    await expect.poll(() => mock.stats().generating, { timeout: 10_000, interval: 10 }).toBe(0);
    const next = await chat(mock.url, { messages: [user('still there?')] });
    expect(next.status).toBe(200);
  });
});
