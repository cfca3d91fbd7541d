import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/client.ts';
import { closedPort, collect, ofType, raw, startHarness, type Harness } from './harness.ts';
import { pidsMatching } from './procs.ts';

let h: Harness;
let n = 0;
const turnId = () => `turn-${++n}`;

beforeAll(async () => {
  h = await startHarness({ tokensPerSecond: 0 });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.client.attach(h.attachRequest());
});

describe('text turns', () => {
  it('streams a reply token by token, flushing each event at once', async () => {
    const id = turnId();
    const arrivals: number[] = [];
    const events = [];
    // /long 40 rate=20: one token every 50 ms from the mock, for two seconds.
    for await (const event of h.client.startTurn({ turnId: id, content: '/long 40 rate=20' })) {
      arrivals.push(performance.timeOrigin + performance.now());
      events.push(event);
    }
    expect(events[0]).toMatchObject({ type: 'turn.started', turnId: id });
    const deltas = ofType(events, 'message.delta');
    expect(deltas.map((d) => d.delta)).toEqual(Array.from({ length: 40 }, (_, i) => (i === 39 ? 'tok40' : `tok${i + 1} `)));
    expect(ofType(events, 'message.completed')).toEqual([expect.objectContaining({ content: deltas.map((d) => d.delta).join('') })]);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'turn.completed', usage: { outputTokens: 40 } });
    expect(last?.type === 'turn.completed' && last.usage.inputTokens).toBeGreaterThan(0);

    // Emit times are sub-millisecond, increasing, and spread like the mock's pacing.
    const times = events.map((e) => e.t);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(times.some((t) => !Number.isInteger(t))).toBe(true);
    // The mock paces from the request: its last token leaves 39 × 50 ms after it at the
    // earliest, however late a busy machine lets the first one out.
    const span = (deltas.at(-1)?.t ?? 0) - (events[0]?.t ?? 0);
    expect(span).toBeGreaterThan(1_900);
    // The first delta reached us before the last was emitted: nothing buffered the stream
    // (the per-delta lag itself is measured by the stream benchmark, not asserted here).
    expect(arrivals[1]).toBeLessThan(deltas.at(-1)?.t ?? 0);
  });

  it('keeps the conversation across turns and rehydrates from history', async () => {
    const first = await collect(h.client.startTurn({ turnId: turnId(), content: 'hello' }));
    // system prompt + user
    expect(ofType(first, 'message.completed')[0]?.content).toMatch(/^You said: hello \(2 messages\)/);
    const second = await collect(h.client.startTurn({ turnId: turnId(), content: 'again' }));
    // system + user + assistant + user
    expect(ofType(second, 'message.completed')[0]?.content).toMatch(/^You said: again \(4 messages\)/);

    await h.client.attach(
      h.attachRequest({
        history: [
          { role: 'user', content: 'run it' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'run_command', input: { command: 'echo x' } }] },
          { role: 'tool', toolCallId: 'c1', content: 'x' },
          { role: 'assistant', content: 'Done.' },
        ],
      }),
    );
    const rehydrated = await collect(h.client.startTurn({ turnId: turnId(), content: 'and now?' }));
    // system + 4 history + user
    expect(ofType(rehydrated, 'message.completed')[0]?.content).toMatch(/^You said: and now\? \(6 messages\)/);
  });

  it('rejects malformed turn requests with 400', async () => {
    const bad = await raw(h, '/v1/turns', { method: 'POST', body: '{"turnId":' });
    expect(bad.status).toBe(400);
    const missing = await raw(h, '/v1/turns', { method: 'POST', body: JSON.stringify({ turnId: 'x' }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('content must be a string.');
    const long = await raw(h, '/v1/turns', { method: 'POST', body: JSON.stringify({ turnId: 'x'.repeat(201), content: 'hi' }) });
    expect(((await long.json()) as { error: { message: string } }).error.message).toBe('turnId must be at most 200 characters.');
  });
});

describe('visible reasoning', () => {
  it("streams the model's reasoning_content as message.thinking before the reply", async () => {
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/think twice' }));
    const thinking = ofType(events, 'message.thinking');
    expect(thinking.map((e) => e.delta).join('')).toBe('The user wants me to think about: twice');
    expect(events.findIndex((e) => e.type === 'message.thinking')).toBeLessThan(events.findIndex((e) => e.type === 'message.delta'));
    expect(ofType(events, 'message.completed')[0]?.content).toBe('You said: twice');
  });
});

describe('tool calls', () => {
  it('runs a command the model asks for and feeds the result back', async () => {
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool echo hi' }));
    expect(events.map((e) => e.type)).toEqual([
      'turn.started',
      'model.request',
      'model.response',
      'tool.call',
      'tool.result',
      'model.request',
      ...Array<string>(ofType(events, 'message.delta').length).fill('message.delta'),
      'model.response',
      'message.completed',
      'turn.completed',
    ]);
    const [call] = ofType(events, 'tool.call');
    expect(call).toMatchObject({ name: 'run_command', input: { command: 'echo hi' } });
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ id: call?.id, output: 'hi\n', isError: false });
    expect(ofType(events, 'message.completed')[0]?.content).toBe('Ran `echo hi`. First line of output: hi');
    const done = events.at(-1);
    // Two model steps, usage summed.
    expect(done?.type === 'turn.completed' && done.usage.outputTokens).toBeGreaterThan(3);
  });

  it('writes and reads files through the file tools', async () => {
    const write = await collect(h.client.startTurn({ turnId: turnId(), content: '/write notes/todo.txt buy milk' }));
    expect(ofType(write, 'tool.result')[0]).toMatchObject({ output: 'Wrote 8 bytes to notes/todo.txt.', isError: false });
    expect(await h.client.readFile('notes/todo.txt')).toBe('buy milk');
    const read = await collect(h.client.startTurn({ turnId: turnId(), content: '/read notes/todo.txt' }));
    expect(ofType(read, 'tool.result')[0]?.output).toBe('buy milk');
    const escape = await collect(h.client.startTurn({ turnId: turnId(), content: '/read ../../etc/passwd' }));
    expect(ofType(escape, 'tool.result')[0]).toMatchObject({ isError: true, output: expect.stringMatching(/outside the workspace/) });
  });

  it('reports failing commands as error results and truncates long output', async () => {
    await h.client.attach(h.attachRequest({ limits: { maxToolOutputBytes: 300 } }));
    const failing = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool echo oops >&2; exit 3' }));
    expect(ofType(failing, 'tool.result')[0]).toMatchObject({ isError: true, output: '[stderr]\noops\n\n[exit code 3]' });
    const long = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool seq 1 1000' }));
    const output = ofType(long, 'tool.result')[0]?.output ?? '';
    expect(output).toMatch(/\[output truncated: \d+ more bytes\]$/);
    expect(Buffer.byteLength(output)).toBeLessThan(400);
  });

  it('gives commands the agent env but not the runtime token', async () => {
    await h.client.attach(h.attachRequest({ env: { AGENT_SECRET: 's3cret' } }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool echo "$AGENT_SECRET:${PADDOCK_RUNTIME_TOKEN:-none}"' }));
    expect(ofType(events, 'tool.result')[0]?.output).toBe('s3cret:none\n');
  });

  it('times out a slow tool', async () => {
    await h.client.attach(h.attachRequest({ limits: { toolTimeoutMs: 200 } }));
    const started = performance.now();
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool sleep 10' }));
    // Well before the command's own 10 s.
    expect(performance.now() - started).toBeLessThan(8000);
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ isError: true, output: expect.stringMatching(/timed out after 200 ms/) });
    expect(events.at(-1)?.type).toBe('turn.completed');
  });

  it('fails the turn after maxSteps', async () => {
    await h.client.attach(h.attachRequest({ limits: { maxSteps: 3 } }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/loop true' }));
    expect(ofType(events, 'tool.call')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', error: expect.stringMatching(/3 model steps/) });
  });
});

describe('concurrency and cancellation', () => {
  it('refuses a second turn while one runs, and a turn without a session', async () => {
    const id = turnId();
    const stream = h.client.startTurn({ turnId: id, content: '/long 1000 rate=50' });
    const first = await stream.next();
    expect(first.value).toMatchObject({ type: 'turn.started' });
    expect(await h.client.health()).toMatchObject({ turn: { id } });
    const second = collect(h.client.startTurn({ turnId: turnId(), content: 'hi' }));
    await expect(second).rejects.toMatchObject({ status: 409, code: 'conflict' });
    await expect(h.client.attach(h.attachRequest())).rejects.toMatchObject({ status: 409 });
    expect(await h.client.cancel(id)).toBe(true);
    await collect({ [Symbol.asyncIterator]: () => stream });
  });

  it('cancels a long turn long before it would end', async () => {
    const id = turnId();
    const events = [];
    let cancelledAt = 0;
    for await (const event of h.client.startTurn({ turnId: id, content: '/long 1000 rate=50' })) {
      events.push(event);
      if (ofType(events, 'message.delta').length === 3 && cancelledAt === 0) {
        cancelledAt = performance.now();
        void h.client.cancel(id);
      }
    }
    // The reply would take 20 s; cancel latency itself is benchmarked, not asserted on a shared machine.
    expect(performance.now() - cancelledAt).toBeLessThan(10_000);
    expect(events.at(-1)?.type).toBe('turn.cancelled');
    expect(events.filter((e) => e.type.startsWith('turn.') && e.type !== 'turn.started')).toHaveLength(1);
    expect(ofType(events, 'message.delta').length).toBeLessThan(500);
    expect(await h.client.health()).toMatchObject({ turn: null });
    // The mock stopped generating too: the model request was aborted.
    await expect.poll(() => h.mock.stats().generating, { timeout: 10_000 }).toBe(0);
    expect(await h.client.cancel(id)).toBe(false);
  });

  it('cancels a running tool and kills its process tree', async () => {
    const id = turnId();
    const marker = `paddock-cancel-${process.pid}-${Date.now()}`;
    const events = [];
    let cancelledAt = 0;
    for await (const event of h.client.startTurn({ turnId: id, content: `/tool sh -c 'sleep 30; echo ${marker}' & wait` })) {
      events.push(event);
      if (event.type === 'tool.call') {
        await expect.poll(() => pidsMatching(marker), { timeout: 10_000 }).not.toEqual([]);
        cancelledAt = performance.now();
        void h.client.cancel(id);
      }
    }
    // Long before the tool's own 30 s.
    expect(performance.now() - cancelledAt).toBeLessThan(10_000);
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ isError: true, output: expect.stringMatching(/cancelled/) });
    expect(events.at(-1)?.type).toBe('turn.cancelled');
    // The model step that asked for the tool had finished: its tokens are reported.
    const cancelled = events.at(-1) as { usage?: { inputTokens: number; outputTokens: number } };
    expect(cancelled.usage?.inputTokens).toBeGreaterThan(0);
    expect(cancelled.usage?.outputTokens).toBeGreaterThan(0);
    await expect.poll(() => pidsMatching(marker), { timeout: 10_000 }).toEqual([]);
    // The conversation is still valid: every tool call has a result, so the next turn works.
    const next = await collect(h.client.startTurn({ turnId: turnId(), content: 'still there?' }));
    expect(next.at(-1)?.type).toBe('turn.completed');
  });

  it('cancels the turn when the client disconnects', async () => {
    const controller = new AbortController();
    const stream = h.client.startTurn({ turnId: turnId(), content: '/long 1000 rate=50' }, { signal: controller.signal });
    await stream.next();
    await stream.next();
    controller.abort();
    // Events already buffered may still come out; then the stream fails, never ends normally.
    const drain = async () => {
      for (;;) if ((await stream.next()).done) return 'ended normally';
    };
    await expect(drain()).rejects.toThrow();
    await expect.poll(async () => (await h.client.health()).turn, { timeout: 10_000 }).toBeNull();
    await expect.poll(() => h.mock.stats().generating, { timeout: 10_000 }).toBe(0);
  });

  it('refuses turns before a session is attached', async () => {
    const fresh = await (await import('./harness.ts')).startHarness();
    try {
      const attempt = collect(fresh.client.startTurn({ turnId: 'x', content: 'hi' }));
      await expect(attempt).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/No session/) });
    } finally {
      await fresh.close();
    }
  });
});

describe('trace context', () => {
  it("continues the platform's trace in every model request, one span id per request", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const before = h.mock.traceparents().length;
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool echo hi' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }));
    const requests = ofType(events, 'model.request');
    expect(requests).toHaveLength(2);
    const received = h.mock.traceparents().slice(before);
    expect(received).toEqual(requests.map((r) => `00-${traceId}-${r.spanId}-01`));
    expect(new Set(requests.map((r) => r.spanId)).size).toBe(2);
    expect(ofType(events, 'model.response')[0]).toMatchObject({
      responseModel: expect.any(String),
      finishReason: 'tool_calls',
      usage: { inputTokens: expect.any(Number) },
    });
  });

  it('sends no trace context when the turn is not traced, or its traceparent is malformed', async () => {
    const before = h.mock.traceparents().length;
    const plain = await collect(h.client.startTurn({ turnId: turnId(), content: 'hi' }));
    const malformed = await collect(h.client.startTurn({ turnId: turnId(), content: 'hi' }, { traceparent: '00-zz-bad-01' }));
    expect(h.mock.traceparents().length).toBe(before);
    expect([...ofType(plain, 'model.request'), ...ofType(malformed, 'model.request')].every((r) => r.spanId === undefined)).toBe(true);
  });
});

describe('gateway failures', () => {
  it('fails with an actionable message when the gateway is unreachable', async () => {
    const port = await closedPort();
    await h.client.attach(h.attachRequest({ gateway: { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: '' }, limits: { modelMaxRetries: 0 } }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: 'hi' }));
    expect(events.map((e) => e.type)).toEqual(['turn.started', 'model.request', 'turn.failed']);
    expect(events.at(-1)).toMatchObject({
      error: expect.stringContaining(`Could not reach the model gateway at http://127.0.0.1:${port}/v1/chat/completions: ECONNREFUSED`),
    });
  });

  it('explains a 401 from the gateway', async () => {
    const { startMockLlm } = await import('@paddock/mock-llm');
    const guarded = await startMockLlm({ apiKey: 'right-key', tokensPerSecond: 0 });
    try {
      await h.client.attach(h.attachRequest({ gateway: { baseUrl: guarded.url, apiKey: 'wrong-key' } }));
      const events = await collect(h.client.startTurn({ turnId: turnId(), content: 'hi' }));
      const failed = events.at(-1);
      expect(failed).toMatchObject({ type: 'turn.failed', error: expect.stringMatching(/rejected the API key \(HTTP 401\)/) });
      expect(JSON.stringify(events)).not.toContain('wrong-key');
    } finally {
      await guarded.close();
    }
  });

  it('reports a gateway 500', async () => {
    await h.client.attach(h.attachRequest({ limits: { modelMaxRetries: 0 } }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/fail' }));
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', error: expect.stringMatching(/HTTP 500.*\/fail/) });
  });

  it('retries 5xx and 429 as the gateway asks in Retry-After, recording each retry, then answers', async () => {
    await h.client.attach(h.attachRequest({ limits: { modelMaxRetries: 3 } }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/fail 429 times=2 retry-after=0' }));
    expect(ofType(events, 'model.retry').map(({ attempt, maxRetries, status, delayMs }) => ({ attempt, maxRetries, status, delayMs }))).toEqual([
      { attempt: 1, maxRetries: 3, status: 429, delayMs: 0 },
      { attempt: 2, maxRetries: 3, status: 429, delayMs: 0 },
    ]);
    expect(ofType(events, 'model.retry')[0]!.error).toMatch(/rate limiting requests \(HTTP 429\)/);
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed' });
    expect(ofType(events, 'message.completed')[0]!.content).toMatch(/^You said: \/fail 429 times=2 retry-after=0/);
  });

  it('gives up after the retry limit and says so', async () => {
    await h.client.attach(h.attachRequest({ limits: { modelMaxRetries: 1 } }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/fail 502 retry-after=0' }));
    expect(ofType(events, 'model.retry')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', error: expect.stringMatching(/HTTP 502.*gave up after 1 retry\)$/) });
  });

  it('does not retry a request the gateway refused (4xx)', async () => {
    await h.client.attach(h.attachRequest({ limits: { modelMaxRetries: 3 } }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/fail 400' }));
    expect(ofType(events, 'model.retry')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', error: expect.stringMatching(/refused the request \(HTTP 400\)/) });
  });

  it('bounds a hung gateway by the first-byte and stream-idle timeouts', async () => {
    await h.client.attach(h.attachRequest({ limits: { modelFirstByteTimeoutMs: 300, modelIdleTimeoutMs: 300 } }));
    const silent = await collect(h.client.startTurn({ turnId: turnId(), content: '/hang' }));
    expect(silent.at(-1)).toMatchObject({
      type: 'turn.failed',
      error: expect.stringMatching(/did not start answering within 0.3 s \(model first-byte timeout\)/),
    });
    const stalled = await collect(h.client.startTurn({ turnId: turnId(), content: '/hang after=2' }));
    expect(
      ofType(stalled, 'message.delta')
        .map((d) => d.delta)
        .join(''),
    ).toBe('tok1 tok2 ');
    expect(stalled.at(-1)).toMatchObject({
      type: 'turn.failed',
      error: expect.stringMatching(/stopped sending the answer for 0.3 s \(model stream idle timeout\)/),
    });
  });

  it('keeps RuntimeError typed for the caller', async () => {
    const err = await h.client.readFile('missing.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
  });
});
