import { describe, expect, it } from 'vitest';
import { codexProtocol } from '../src/adapters/codex/protocol.ts';
import { fixture, textOf, translate } from './translate.ts';

/** `codex exec --json` output, recorded from the real CLI (test/fixtures/record.ts). */
describe('Codex exec --json translation', () => {
  it('turns reasoning and the agent message into thinking and text, with usage', async () => {
    const { events, history, sessions, outcome } = translate(codexProtocol, await fixture('codex/think.jsonl'));
    expect(textOf(events, 'message.thinking')).toBe('The user wants me to think about: about fixtures');
    expect(textOf(events, 'message.delta')).toBe('You said: about fixtures');
    expect(history).toEqual([{ role: 'assistant', content: 'You said: about fixtures' }]);
    expect(sessions).toEqual(['01a1fe21-3481-78f2-950d-37c2d5426462']);
    expect(outcome).toEqual({ completed: true, failure: undefined, usage: { inputTokens: 2752, outputTokens: 13 } });
  });

  it('turns a command execution into a tool round trip', async () => {
    const { events, history } = translate(codexProtocol, await fixture('codex/tool.jsonl'));
    expect(events).toEqual([
      { type: 'tool.call', id: 'item_1', name: 'shell', input: { command: "/bin/bash -lc 'echo fixture'" } },
      { type: 'tool.result', id: 'item_1', output: 'fixture\n', isError: false },
      { type: 'message.delta', delta: 'Ran `echo fixture`. First line of output: fixture' },
      { type: 'message.completed', content: 'Ran `echo fixture`. First line of output: fixture' },
    ]);
    expect(history.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant']);
  });

  it('reports the gateway error readably', async () => {
    const { outcome } = translate(codexProtocol, await fixture('codex/api-error.jsonl'));
    expect(outcome.failure).toBe('The mock model failed on purpose (/fail 400).');
  });

  it('emits only the new part of a growing message and fails on an error the CLI never closed', () => {
    const { events, outcome } = translate(codexProtocol, [
      { type: 'item.updated', item: { id: 'a', type: 'agent_message', text: 'Hel' } },
      { type: 'item.completed', item: { id: 'a', type: 'agent_message', text: 'Hello' } },
      { type: 'error', message: 'stream disconnected before completion' },
    ]);
    expect(events.filter((e) => e.type === 'message.delta').map((e) => (e.type === 'message.delta' ? e.delta : ''))).toEqual(['Hel', 'lo']);
    expect(outcome).toMatchObject({ completed: false, failure: 'stream disconnected before completion' });
  });

  it('reports file changes and failed commands as tool calls with results', () => {
    const { events } = translate(codexProtocol, [
      { type: 'item.completed', item: { id: 'p', type: 'file_change', status: 'completed', changes: [{ path: 'a.txt', kind: 'add' }] } },
      { type: 'item.completed', item: { id: 'c', type: 'command_execution', command: 'false', aggregated_output: '', exit_code: 1, status: 'failed' } },
    ]);
    expect(events).toEqual([
      { type: 'tool.call', id: 'p', name: 'apply_patch', input: { changes: [{ path: 'a.txt', kind: 'add' }] } },
      { type: 'tool.result', id: 'p', output: 'add a.txt', isError: false },
      { type: 'tool.call', id: 'c', name: 'shell', input: { command: 'false' } },
      { type: 'tool.result', id: 'c', output: '', isError: true },
    ]);
  });
});
