import { describe, expect, it } from 'vitest';
import { claudeCodeProtocol, claudePermissions } from '../src/adapters/claude-code/protocol.ts';
import { fixture, textOf, translate } from './translate.ts';

/** Claude Code's stream-json output, recorded from the real CLI (test/fixtures/record.ts). */
describe('Claude Code stream-json translation', () => {
  it('streams thinking and text deltas and reports usage', async () => {
    const { events, history, sessions, outcome } = translate(claudeCodeProtocol, await fixture('claude-code/think.jsonl'));
    expect(textOf(events, 'message.thinking')).toBe('The user wants me to think about: about fixtures');
    expect(textOf(events, 'message.delta')).toBe('You said: about fixtures');
    expect(events.filter((e) => e.type === 'message.delta').length).toBeGreaterThan(1);
    expect(events.filter((e) => e.type === 'message.completed')).toEqual([{ type: 'message.completed', content: 'You said: about fixtures' }]);
    expect(history).toEqual([{ role: 'assistant', content: 'You said: about fixtures' }]);
    expect(sessions).toHaveLength(1);
    expect(outcome.completed).toBe(true);
    expect(outcome.usage.inputTokens).toBeGreaterThan(0);
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
  });

  it.each(['claude-code/tool.jsonl', 'claude-code/tool-without-partial-messages.jsonl'])('turns %s into a tool round trip', async (name) => {
    const { events, history, outcome } = translate(claudeCodeProtocol, await fixture(name));
    const call = events.find((e) => e.type === 'tool.call');
    expect(call).toMatchObject({ name: 'Bash', input: { command: 'echo fixture' } });
    const id = call?.type === 'tool.call' ? call.id : '';
    expect(events.filter((e) => e.type !== 'message.delta')).toEqual([
      { type: 'tool.call', id, name: 'Bash', input: expect.objectContaining({ command: 'echo fixture' }) },
      { type: 'tool.result', id, output: 'fixture', isError: false },
      { type: 'message.completed', content: 'Ran `echo fixture`. First line of output: fixture' },
    ]);
    expect(history.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant']);
    expect(history[0]?.toolCalls?.[0]?.id).toBe(id);
    expect(outcome.completed).toBe(true);
  });

  it('reports a failed model request once, as the turn failure', async () => {
    const { events, outcome } = translate(claudeCodeProtocol, await fixture('claude-code/api-error.jsonl'));
    expect(events).toEqual([]);
    expect(outcome.failure).toBe('API Error: 400 The mock model failed on purpose (/fail 400).');
    expect(outcome.completed).toBe(false);
  });

  it('leaves the inner work of sub-agents to their tool result', () => {
    const sub = { parent_tool_use_id: 'toolu_task', session_id: 's' };
    const { events } = translate(claudeCodeProtocol, [
      {
        type: 'assistant',
        parent_tool_use_id: null,
        message: { id: 'm1', content: [{ type: 'tool_use', id: 'toolu_task', name: 'Task', input: { prompt: 'look' } }] },
      },
      { type: 'assistant', ...sub, message: { id: 'm2', content: [{ type: 'text', text: 'inner words' }] } },
      { type: 'stream_event', ...sub, event: { type: 'content_block_delta', delta: { type: 'text_delta', text: 'inner' } } },
      {
        type: 'user',
        parent_tool_use_id: null,
        message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_task', content: [{ type: 'text', text: 'found it' }] }] },
      },
      { type: 'result', subtype: 'success', is_error: false, usage: { input_tokens: 3, output_tokens: 2, cache_read_input_tokens: 4 } },
    ]);
    expect(events.map((e) => e.type)).toEqual(['tool.call', 'tool.result']);
    expect(events[1]).toMatchObject({ output: 'found it', isError: false });
  });

  it('counts cached prompt tokens as input and names the reason of an unsuccessful result', () => {
    const { outcome } = translate(claudeCodeProtocol, [
      {
        type: 'result',
        subtype: 'error_max_turns',
        is_error: true,
        usage: { input_tokens: 3, output_tokens: 2, cache_read_input_tokens: 4, cache_creation_input_tokens: 1 },
      },
    ]);
    expect(outcome.usage).toEqual({ inputTokens: 8, outputTokens: 2, cacheReadTokens: 4, cacheWriteTokens: 1 });
    expect(outcome.failure).toBe('Claude Code stopped: error_max_turns.');
  });
});

describe('Claude Code permission requests', () => {
  const base = { model: 'm', systemPrompt: '', resumeId: undefined, extraArgs: [], mcpServers: [], prompt: 'hi' };

  it('asks through stdio, for every tool, only when the agent has a policy', () => {
    const args = claudeCodeProtocol.args({ ...base, askPermission: true });
    const at = args.indexOf('--permission-prompt-tool');
    expect(args[at + 1]).toBe('stdio');
    expect(JSON.parse(args[args.indexOf('--settings') + 1]!)).toEqual({ permissions: { ask: ['*'] } });
    expect(claudeCodeProtocol.args({ ...base, askPermission: false })).not.toContain('--permission-prompt-tool');
  });

  it('reads can_use_tool requests, ignores other lines, and answers with the request id', () => {
    const permissions = claudePermissions;
    const line = {
      type: 'control_request',
      request_id: 'req-1',
      request: { subtype: 'can_use_tool', tool_name: 'Bash', input: { command: 'ls' }, tool_use_id: 'toolu_1', permission_suggestions: [] },
    };
    const request = permissions.request(line);
    expect(request).toEqual({ requestId: 'req-1', toolCallId: 'toolu_1', name: 'Bash', input: { command: 'ls' } });
    expect(permissions.request({ type: 'control_request', request_id: 'r', request: { subtype: 'hook_callback' } })).toBeUndefined();
    expect(permissions.request({ type: 'assistant', message: {} })).toBeUndefined();
    expect(JSON.parse(permissions.answer(request!, { allow: true, input: { command: 'ls' } }))).toEqual({
      type: 'control_response',
      response: { subtype: 'success', request_id: 'req-1', response: { behavior: 'allow', updatedInput: { command: 'ls' } } },
    });
    expect(JSON.parse(permissions.answer(request!, { allow: false, message: 'no' })).response.response).toEqual({ behavior: 'deny', message: 'no' });
  });
});
