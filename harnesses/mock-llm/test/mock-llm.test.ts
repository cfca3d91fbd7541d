import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlm } from '../src/index.ts';
import { chat, choicesOf, contentOf, readSse, user } from './sse.ts';

let mock: MockLlm;

beforeAll(async () => {
  mock = await startMockLlm({ tokensPerSecond: 0 });
});
afterAll(async () => {
  await mock.close();
});

describe('models', () => {
  it('lists the offline mock model', async () => {
    const res = await fetch(`${mock.url}/models`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: Array<{ id: string; description: string }> };
    expect(body.object).toBe('list');
    expect(body.data[0]?.id).toBe('paddock-mock');
    expect(body.data[0]?.description).toMatch(/offline mock model/);
  });
});

describe('text replies', () => {
  it('streams an echo reply token by token with usage', async () => {
    const res = await chat(mock.url, {
      model: 'paddock-mock',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'system', content: 'be brief' }, user('hello there')],
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const chunks = await readSse(res);
    expect(chunks.at(-1)).toBe('[DONE]');
    const first = choicesOf(chunks[0] ?? '[DONE]')[0];
    expect(first?.delta.role).toBe('assistant');
    const content = contentOf(chunks);
    expect(content.startsWith('You said: hello there (2 messages)')).toBe(true);
    expect(content).toMatch(/offline mock model/i);
    const contentChunks = chunks.flatMap(choicesOf).filter((c) => (c.delta.content ?? '') !== '');
    const usageChunk = chunks.at(-2) as { choices: unknown[]; usage: Record<string, number> };
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.completion_tokens).toBe(contentChunks.length);
    expect(usageChunk.usage.prompt_tokens).toBe(4);
    expect(usageChunk.usage.total_tokens).toBe(4 + contentChunks.length);
    const finish = chunks.flatMap(choicesOf).find((c) => c.finish_reason !== null);
    expect(finish?.finish_reason).toBe('stop');
  });

  it('streams /think as reasoning_content before the answer, counted in usage', async () => {
    const res = await chat(mock.url, { model: 'paddock-mock', stream: true, stream_options: { include_usage: true }, messages: [user('/think twice')] });
    const chunks = await readSse(res);
    const deltas = chunks.flatMap(choicesOf).map((c) => c.delta as { content?: string | null; reasoning_content?: string });
    const reasoning = deltas.map((d) => d.reasoning_content ?? '').join('');
    expect(reasoning).toBe('The user wants me to think about: twice');
    expect(contentOf(chunks)).toBe('You said: twice');
    const firstContent = deltas.findIndex((d) => (d.content ?? '') !== '');
    const lastReasoning = deltas.findLastIndex((d) => (d.reasoning_content ?? '') !== '');
    expect(lastReasoning).toBeLessThan(firstContent);
    const usageChunk = chunks.at(-2) as { usage: Record<string, number> };
    expect(usageChunk.usage.completion_tokens).toBe(deltas.filter((d) => (d.content ?? '') !== '' || (d.reasoning_content ?? '') !== '').length);
  });

  it('omits the usage chunk unless asked for', async () => {
    const chunks = await readSse(await chat(mock.url, { stream: true, messages: [user('hi')] }));
    expect(chunks.some((c) => c !== '[DONE]' && 'usage' in c)).toBe(false);
  });

  it('answers without streaming', async () => {
    const res = await chat(mock.url, { model: 'any-model', messages: [user('plain')] });
    const body = (await res.json()) as {
      object: string;
      model: string;
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('any-model');
    expect(body.choices[0]?.message.content).toMatch(/^You said: plain \(1 messages\)/);
    expect(body.choices[0]?.finish_reason).toBe('stop');
    expect(body.usage.prompt_tokens).toBe(1);
  });

  it('replies to /long N with exactly N tokens, one per chunk', async () => {
    const chunks = await readSse(await chat(mock.url, { stream: true, stream_options: { include_usage: true }, messages: [user('/long 5')] }));
    const pieces = chunks
      .flatMap(choicesOf)
      .map((c) => c.delta.content ?? '')
      .filter((p) => p !== '');
    expect(pieces).toEqual(['tok1 ', 'tok2 ', 'tok3 ', 'tok4 ', 'tok5']);
    expect((chunks.at(-2) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(5);
  });

  it('is deterministic', async () => {
    const body = { stream: true, messages: [user('same input')] };
    const a = await readSse(await chat(mock.url, body));
    const b = await readSse(await chat(mock.url, body));
    expect(contentOf(a)).toBe(contentOf(b));
    expect((a[0] as { id: string }).id).toBe((b[0] as { id: string }).id);
  });
});

describe('tool calls', () => {
  it('streams /tool as a run_command tool call in OpenAI delta form', async () => {
    const chunks = await readSse(await chat(mock.url, { stream: true, messages: [user('/tool echo hi && ls')] }));
    const deltas = chunks.flatMap(choicesOf);
    const head = deltas[0]?.delta.tool_calls?.[0];
    expect(head?.id).toMatch(/^call_/);
    expect(head?.type).toBe('function');
    expect(head?.function.name).toBe('run_command');
    const args = deltas.map((d) => d.delta.tool_calls?.[0]?.function.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ command: 'echo hi && ls' });
    expect(deltas.filter((d) => (d.delta.tool_calls?.[0]?.function.arguments ?? '') !== '').length).toBeGreaterThan(1);
    expect(deltas.at(-1)?.finish_reason).toBe('tool_calls');
  });

  it('maps /write and /read to file tools', async () => {
    const write = (await (await chat(mock.url, { messages: [user('/write notes/a.txt hello world')] })).json()) as {
      choices: Array<{ message: { tool_calls: Array<{ function: { name: string; arguments: string } }> } }>;
    };
    const call = write.choices[0]?.message.tool_calls[0];
    expect(call?.function.name).toBe('write_file');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ path: 'notes/a.txt', content: 'hello world' });
    const read = (await (await chat(mock.url, { messages: [user('/read notes/a.txt')] })).json()) as typeof write;
    expect(read.choices[0]?.message.tool_calls[0]?.function.name).toBe('read_file');
  });

  it('summarises a tool result with its first line', async () => {
    const res = await chat(mock.url, {
      stream: true,
      messages: [
        user('/tool echo hi'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run_command', arguments: '{"command":"echo hi"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'hi\nsecond line' },
      ],
    });
    expect(contentOf(await readSse(res))).toBe('Ran `echo hi`. First line of output: hi');
  });
});

describe('errors', () => {
  it('fails on /fail with an OpenAI error body', async () => {
    const res = await chat(mock.url, { stream: true, messages: [user('/fail')] });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('server_error');
    expect(body.error.message).toMatch(/\/fail/);
    const refused = await chat(mock.url, { messages: [user('/fail 400')] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('fails only the first N requests of a conversation with times=N, with Retry-After when asked', async () => {
    const request = { messages: [user('/fail 503 times=2 retry-after=7')] };
    for (let i = 0; i < 2; i++) {
      const res = await chat(mock.url, request);
      expect([res.status, res.headers.get('retry-after')]).toEqual([503, '7']);
      await res.body?.cancel();
    }
    const answered = await chat(mock.url, request);
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toMatch(/^You said: \/fail 503 times=2/);
  });

  it('hangs on /hang after=N: N tokens, then silence with the connection open', async () => {
    const abort = new AbortController();
    const res = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, messages: [user('/hang after=2')] }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const timer = setTimeout(() => abort.abort(), 1_000);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      // aborted while the mock hung
    }
    clearTimeout(timer);
    expect(abort.signal.aborted).toBe(true);
    expect(text).toContain('"content":"tok1 "');
    expect(text).toContain('"content":"tok2 "');
    expect(text).not.toContain('tok3');
    expect(text).not.toContain('[DONE]');
  });

  it('rejects invalid JSON and missing messages with 400', async () => {
    const bad = await chat(mock.url, '{"messages": [');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const missing = await chat(mock.url, { model: 'paddock-mock' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/messages/);
    const wrongHeader = await chat(mock.url, { messages: [user('x')] }, { 'x-mock-tokens-per-second': 'fast' });
    expect(wrongHeader.status).toBe(400);
  });

  it('requires the API key when configured', async () => {
    const guarded = await startMockLlm({ apiKey: 'sk-test', tokensPerSecond: 0 });
    try {
      const denied = await chat(guarded.url, { messages: [user('x')] });
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      const allowed = await chat(guarded.url, { messages: [user('x')] }, { authorization: 'Bearer sk-test' });
      expect(allowed.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('answers unknown paths with 404', async () => {
    expect((await fetch(`${mock.url}/nope`)).status).toBe(404);
  });
});
