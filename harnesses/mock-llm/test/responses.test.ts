import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm, type MockLlm } from '../src/index.ts';
import { post, readEvents, type NamedEvent } from './named-sse.ts';

let mock: MockLlm;

beforeAll(async () => {
  mock = await startMockLlm({ tokensPerSecond: 0 });
});
afterAll(() => mock.close());

const responses = (body: Record<string, unknown>) => post(`${mock.url}/responses`, { model: 'gpt-test', ...body });
const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const EXEC = [{ type: 'function', name: 'exec_command', parameters: {} }, { type: 'web_search' }];
const deltas = (events: NamedEvent[], type: string) =>
  events
    .filter((e) => e.event === type)
    .map((e) => String(e.data.delta))
    .join('');

describe('OpenAI Responses API', () => {
  it('streams a text reply from created to completed with usage', async () => {
    const events = await readEvents(
      await responses({
        stream: true,
        instructions: 'be brief',
        input: [
          { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'rules' }] },
          user('<environment_context>cwd</environment_context>'),
          user('hello'),
        ],
      }),
    );
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(events.length - 8).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    // The instructions and the developer message are context; the environment block is not the prompt.
    expect(deltas(events, 'response.output_text.delta')).toMatch(/^You said: hello \(3 messages\)/);
    const response = events.at(-1)?.data.response as {
      status: string;
      model: string;
      usage: { input_tokens: number; output_tokens: number; total_tokens: number };
    };
    expect(response).toMatchObject({ status: 'completed', model: 'gpt-test' });
    expect(response.usage.output_tokens).toBe(events.length - 8);
    expect(response.usage.total_tokens).toBe(response.usage.input_tokens + response.usage.output_tokens);
  });

  it('streams /think as a reasoning summary item before the message', async () => {
    const events = await readEvents(await responses({ stream: true, input: '/think twice' }));
    const added = events.filter((e) => e.event === 'response.output_item.added').map((e) => (e.data.item as { type: string }).type);
    expect(added).toEqual(['reasoning', 'message']);
    expect(deltas(events, 'response.reasoning_summary_text.delta')).toBe('The user wants me to think about: twice');
    expect(deltas(events, 'response.output_text.delta')).toBe('You said: twice');
    expect(
      (events.at(-1)?.data.response as { usage: { output_tokens_details: { reasoning_tokens: number } } }).usage.output_tokens_details.reasoning_tokens,
    ).toBe(8);
  });

  it("answers /tool with Codex's exec_command function call, then summarises its output", async () => {
    const events = await readEvents(await responses({ stream: true, tools: EXEC, input: [user('/tool echo hi')] }));
    const item = events.find((e) => e.event === 'response.output_item.added')?.data.item as { type: string; name: string; call_id: string };
    expect(item).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(JSON.parse(deltas(events, 'response.function_call_arguments.delta'))).toEqual({ cmd: 'echo hi' });
    const done = events.find((e) => e.event === 'response.function_call_arguments.done')?.data.arguments;
    expect(JSON.parse(String(done))).toEqual({ cmd: 'echo hi' });

    const res = await responses({
      tools: EXEC,
      input: [
        user('/tool echo hi'),
        { type: 'function_call', call_id: item.call_id, name: 'exec_command', arguments: '{"cmd":"echo hi"}' },
        { type: 'function_call_output', call_id: item.call_id, output: 'Chunk ID: 1\nProcess exited with code 0\nOutput:\nhi\n' },
      ],
    });
    const body = (await res.json()) as { output: Array<{ type: string; content: Array<{ text: string }> }> };
    expect(body.output[0]?.content[0]?.text).toBe('Ran `echo hi`. First line of output: hi');
  });

  it('uses the shell tool of older Codex versions', async () => {
    const body = (await (await responses({ tools: [{ type: 'function', name: 'shell' }], input: '/tool ls' })).json()) as {
      output: Array<{ name: string; arguments: string }>;
    };
    expect(body.output[0]?.name).toBe('shell');
    expect(JSON.parse(body.output[0]?.arguments ?? '')).toEqual({ command: ['bash', '-lc', 'ls'] });
  });

  it('fails /fail with an OpenAI error body and rejects a request without input', async () => {
    const failed = await responses({ stream: true, input: '/fail' });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { type: string } }).error.type).toBe('server_error');
    expect((await responses({ model: 'x' })).status).toBe(400);
  });
});
