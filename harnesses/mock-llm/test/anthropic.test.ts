import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlm } from '../src/index.ts';
import { deltaText, post, readEvents } from './named-sse.ts';

let mock: MockLlm;
let root: string;

beforeAll(async () => {
  mock = await startMockLlm({ tokensPerSecond: 0, apiKey: 'sk-ant' });
  root = mock.url.replace(/\/v1$/, '');
});
afterAll(() => mock.close());

const auth = { 'x-api-key': 'sk-ant', 'anthropic-version': '2023-06-01' };
const messages = (body: Record<string, unknown>) => post(`${root}/v1/messages`, { model: 'claude-test', max_tokens: 1024, ...body }, auth);
const user = (text: string) => ({
  role: 'user',
  content: [
    { type: 'text', text: '<system-reminder>\nctx\n</system-reminder>' },
    { type: 'text', text },
  ],
});
const BASH = [
  { name: 'Bash', input_schema: { type: 'object' } },
  { name: 'Read', input_schema: { type: 'object' } },
];

describe('Anthropic Messages API', () => {
  it('streams a text reply with the event sequence and usage of the real API', async () => {
    const res = await messages({ stream: true, messages: [user('hello there')] });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await readEvents(res);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(events.length - 5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => e.data.type === e.event)).toBe(true);
    const start = events[0]?.data.message as { model: string; usage: { input_tokens: number } };
    expect(start.model).toBe('claude-test');
    expect(start.usage.input_tokens).toBe(2);
    // The CLI's context blocks are not the prompt.
    expect(deltaText(events, 'text_delta', 'text')).toMatch(/^You said: hello there \(1 messages\)/);
    const end = events.at(-2)?.data as { delta: { stop_reason: string }; usage: { output_tokens: number } };
    expect(end.delta.stop_reason).toBe('end_turn');
    expect(end.usage.output_tokens).toBe(events.length - 5);
  });

  it('streams /think as a thinking block before the text', async () => {
    const events = await readEvents(await messages({ stream: true, messages: [user('/think hard')] }));
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => (e.data.content_block as { type: string }).type);
    expect(starts).toEqual(['thinking', 'text']);
    expect(deltaText(events, 'thinking_delta', 'thinking')).toBe('The user wants me to think about: hard');
    expect(deltaText(events, 'signature_delta', 'signature')).not.toBe('');
    expect(deltaText(events, 'text_delta', 'text')).toBe('You said: hard');
  });

  it('answers /tool with a Bash tool_use streamed as input_json_delta, then summarises the result', async () => {
    const events = await readEvents(await messages({ stream: true, tools: BASH, messages: [user('/tool ls -la')] }));
    const block = events.find((e) => e.event === 'content_block_start')?.data.content_block as { type: string; id: string; name: string };
    expect(block).toMatchObject({ type: 'tool_use', name: 'Bash' });
    expect(block.id).toMatch(/^toolu_/);
    expect(JSON.parse(deltaText(events, 'input_json_delta', 'partial_json'))).toMatchObject({ command: 'ls -la' });
    expect((events.at(-2)?.data.delta as { stop_reason: string }).stop_reason).toBe('tool_use');

    const res = await messages({
      stream: false,
      tools: BASH,
      messages: [
        user('/tool ls -la'),
        { role: 'assistant', content: [{ type: 'tool_use', id: block.id, name: 'Bash', input: { command: 'ls -la' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: block.id, content: [{ type: 'text', text: 'total 0\nx' }] }] },
      ],
    });
    const body = (await res.json()) as { content: Array<{ type: string; text: string }>; stop_reason: string };
    expect(body.content).toEqual([{ type: 'text', text: 'Ran `ls -la`. First line of output: total 0' }]);
    expect(body.stop_reason).toBe('end_turn');
  });

  it('maps the file tools onto the shell when only a shell is offered', async () => {
    const body = (await (await messages({ tools: BASH, messages: [user('/read notes.txt')] })).json()) as { content: Array<{ input: { command: string } }> };
    expect(body.content[0]?.input.command).toBe("cat -- 'notes.txt'");
  });

  it('counts tokens, and answers errors in the Anthropic envelope', async () => {
    const count = await post(`${root}/v1/messages/count_tokens`, { model: 'm', messages: [user('one two three')] }, auth);
    expect(await count.json()).toEqual({ input_tokens: 3 });
    const failed = await messages({ stream: true, messages: [user('/fail 400')] });
    expect(failed.status).toBe(400);
    expect(await failed.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'The mock model failed on purpose (/fail 400).' } });
    const denied = await post(`${root}/v1/messages`, { messages: [user('x')] });
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    const bearer = await post(`${root}/v1/messages`, { messages: [user('x')] }, { authorization: 'Bearer sk-ant' });
    expect(bearer.status).toBe(200);
    expect((await messages({ messages: [] })).status).toBe(400);
  });

  it('answers the HEAD probe Claude Code sends to the base URL', async () => {
    expect((await fetch(`${root}/`, { method: 'HEAD' })).status).toBe(200);
  });
});
